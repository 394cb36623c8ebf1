"""Wiring the query service to the site: which release files become which named graphs."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rdflib import Graph

from ..namespaces import bind_prefixes
from ..release import DUMP_STEM, Release
from ..sparql.service import DatasetGraphs, QueryService
from ..sparql.workers import WorkerPool
from ..stores.oxigraph import GraphSource
from .site import Site


@dataclass(frozen=True)
class NamedGraph:
    """One named graph of the SPARQL dataset, ``{base}graph/{name}``."""

    name: str
    source_file: str  # the release's N-Triples file loaded into it
    document: str  # the path on the site where the same triples are served as a document


NAMED_GRAPHS = (
    NamedGraph("knowledge-graph", f"{DUMP_STEM}.nt", f"/download/{DUMP_STEM}.ttl"),
    NamedGraph("catalog", "catalog.nt", "/catalog"),
    NamedGraph("void", "void.nt", "/.well-known/void"),
)
POOL_SIZE = 2
_lock = threading.Lock()


def graph_sources(release: Release) -> list[GraphSource]:
    """The named graphs of the served dataset, ``{base}graph/{name}``, that exist in the release."""
    return [
        GraphSource(release.path / graph.source_file, f"{release.base_iri}graph/{graph.name}")
        for graph in NAMED_GRAPHS
        if (release.path / graph.source_file).is_file()
    ]


def graph_sizes(release: Release) -> dict[str, int]:
    """Triples per named graph (N-Triples: one triple per non-empty line)."""
    sizes = {}
    for source in graph_sources(release):
        with source.path.open("rb") as handle:
            sizes[source.name] = sum(1 for line in handle if line.strip() and not line.startswith(b"#"))
    return sizes


def query_service(site: Site) -> QueryService:
    """The site's query service, started on first use (after any fork of the web server)."""
    service = site.services.get("sparql")
    if service is None:
        with _lock:
            service = site.services.get("sparql")
            if service is None:
                sources = graph_sources(site.release)
                settings = site.settings
                service = QueryService(
                    WorkerPool(sources, POOL_SIZE),
                    DatasetGraphs(tuple(s.name for s in sources)),
                    settings.query_timeout_s,
                    settings.max_result_rows,
                    settings.query_cache_entries,
                    tuple(
                        (p, str(ns))
                        for p, ns in bind_prefixes(Graph(bind_namespaces="none"), site.base).namespaces()
                        if p
                    ),
                )
                site.services["sparql"] = service
    return service  # type: ignore[return-value]
