"""THE table of RDF and SPARQL-result formats: media type ⇄ file extension ⇄ rdflib name.

Every view, the release writer and the content negotiation read this table, so a format is
added in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str  # short name used in ?format= and URLs
    media_type: str  # the IANA media type we answer with
    extension: str  # file suffix without the dot
    rdflib_name: str | None  # name of rdflib's serializer/parser, None for non-RDF
    label: str
    aliases: tuple[str, ...] = ()  # other media types clients send for the same thing
    eu_file_type: str | None = None  # EU file-type authority code (for DCAT)
    names: tuple[str, ...] = ()  # other names clients use in ?format= (SPARQLWrapper sends "turtle" …)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


TURTLE = Format(
    "ttl", "text/turtle", "ttl", "turtle", "Turtle", ("application/x-turtle", "text/n3"), "RDF_TURTLE", ("turtle", "n3")
)
NTRIPLES = Format(
    "nt", "application/n-triples", "nt", "nt", "N-Triples", ("text/plain",), "RDF_N_TRIPLES", ("ntriples", "n-triples")
)
JSONLD = Format(
    "jsonld",
    "application/ld+json",
    "jsonld",
    "json-ld",
    "JSON-LD",
    ("application/json",),
    "JSON_LD",
    ("json-ld", "json"),
)
RDFXML = Format(
    "rdf", "application/rdf+xml", "rdf", "xml", "RDF/XML", ("application/xml", "text/xml"), "RDF_XML", ("xml", "rdfxml")
)
HTML = Format("html", "text/html", "html", None, "HTML", ("application/xhtml+xml",))

#: The whole SPARQL dataset with its named graphs (a release's dump for loading into other engines); not a
#: format a graph is negotiated in, so not among RDF_FORMATS.
NQUADS = Format("nq", "application/n-quads", "nq", "nquads", "N-Quads", (), "RDF_N_QUADS")

#: RDF serialisations, in the order of preference when a client accepts anything.
RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)

SPARQL_JSON = Format(
    "json", "application/sparql-results+json", "srj", "json", "SPARQL JSON", ("application/json",), None, ("srj",)
)
SPARQL_XML = Format(
    "xml", "application/sparql-results+xml", "srx", "xml", "SPARQL XML", ("application/xml",), None, ("srx",)
)
SPARQL_CSV = Format("csv", "text/csv", "csv", "csv", "CSV", ())
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "tsv", "tsv", "TSV", ())

#: Plain JSON and text, for listings and error messages.
JSON = Format("json", "application/json", "json", None, "JSON")
TEXT = Format("txt", "text/plain", "txt", None, "text")

#: Result formats for SELECT and ASK, preferred first.
RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)

_BY_KEY = {f.key: f for f in (*RDF_FORMATS, HTML, *RESULT_FORMATS)}
_RDF_BY_EXTENSION = {f.extension: f for f in RDF_FORMATS}


def by_key(key: str) -> Format | None:
    """Look a format up by its short name (``ttl``, ``json`` …), case-insensitively."""
    return _BY_KEY.get(key.lower())


def rdf_by_extension(extension: str) -> Format | None:
    """The RDF format a file suffix stands for."""
    return _RDF_BY_EXTENSION.get(extension.lower().lstrip("."))


def by_media_type(media_type: str, candidates: tuple[Format, ...]) -> Format | None:
    """The candidate whose media type (or alias) equals ``media_type``."""
    media_type = media_type.lower()
    for fmt in candidates:
        if media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt
    return None
