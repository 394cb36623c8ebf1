"""Metadata the build derives from the graph and the dumps (DCAT catalog, VoID, sitemap).

:func:`derive` is the build's single entry point: it returns the extra files of the release
and raises :class:`MetadataInvalid` when the metadata would not pass the portals' checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from ..config import Settings
from ..formats import JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from ..release import ReleaseFile, serialize
from .statistics import GraphStatistics


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


CATALOG_FORMATS = (RDFXML, TURTLE, JSONLD, NTRIPLES)
VOID_FORMATS = (TURTLE, NTRIPLES)


def _files(graph: Graph, stem: str, formats: tuple[Format, ...], role: str) -> list[DerivedFile]:
    return [DerivedFile(f"{stem}.{fmt.extension}", serialize(graph, fmt), fmt.media_type, role) for fmt in formats]


def build_catalog(
    graph: Graph, dumps: list[ReleaseFile], context: ReleaseContext, statistics: GraphStatistics | None = None
) -> tuple[Graph, str]:
    """The validated DCAT catalog and its validation report (per profile, with timings and the
    waived known defects of the official shapes); raises :class:`MetadataInvalid` otherwise."""
    from .catalog_facts import load_facts
    from .dcat import UnlabelledTerms, catalog_graph
    from .dcat_validation import report, validate_catalog

    facts = load_facts(context.settings.catalog_file)  # a SourceError names the file and line
    try:
        catalog = catalog_graph(
            graph, dumps, context.base, context.version, context.created, facts=facts, statistics=statistics
        )
    except UnlabelledTerms as exc:
        raise MetadataInvalid(str(exc)) from exc
    results = validate_catalog(catalog)
    if not all(r.outcome.conforms for r in results):
        raise MetadataInvalid("The DCAT catalog does not conform:\n\n" + report(results, catalog))
    return catalog, report(results, catalog)


def derive(
    graph: Graph,
    files_so_far: Callable[[], list[ReleaseFile]],
    context: ReleaseContext,
) -> list[DerivedFile]:
    """Every metadata file of the release, validated: catalog, VoID, sitemap, robots.txt and the
    catalog's validation report.

    ``files_so_far``: the release's files (dumps), asked for once the graph's figures are counted: the build
    compresses the dumps meanwhile, and the catalog needs their sizes and checksums."""
    from .sitemap import robots_txt, sitemap_xml
    from .void import void_graph

    statistics = GraphStatistics.of(graph)  # one pass over the graph for every figure
    dumps = files_so_far()
    catalog, catalog_report = build_catalog(graph, dumps, context, statistics)
    void = void_graph(graph, dumps, context.base, context.created, statistics)
    sitemap = sitemap_xml(statistics, context.base, context.created)
    return [
        *_files(catalog, "catalog", CATALOG_FORMATS, "catalog"),
        *_files(void, "void", VOID_FORMATS, "void"),
        DerivedFile("sitemap.xml", sitemap, "application/xml", "sitemap"),
        DerivedFile("robots.txt", robots_txt(context.base), "text/plain", "robots"),
        DerivedFile("catalog-validation-report.txt", catalog_report.encode("utf-8"), "text/plain", "report"),
    ]
