"""digigov-lod: Sambruk's DigiGov 2017 report published as validated linked open data."""

__version__ = "0.1.0"
