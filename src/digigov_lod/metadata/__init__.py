"""Metadata the build derives from the graph and the dumps (DCAT catalog, VoID, sitemap).

:func:`derive` is the build's single entry point: it returns the extra files of the release
and raises :class:`MetadataInvalid` when the metadata would not pass the portals' checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from ..config import Settings
from ..release import ReleaseFile


@dataclass(frozen=True)
class ReleaseContext:
    version: str
    created: str  # ISO 8601 UTC timestamp of the build
    settings: Settings

    @property
    def base(self) -> str:
        return self.settings.base_iri


@dataclass(frozen=True)
class DerivedFile:
    name: str
    data: bytes
    media_type: str
    role: str


class MetadataInvalid(Exception):
    """The derived metadata does not conform; the message is a readable report."""


def derive(graph: Graph, dumps: list[ReleaseFile], context: ReleaseContext) -> list[DerivedFile]:
    """Every metadata file of the release, validated."""
    return []
