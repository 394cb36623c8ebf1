"""Wiring the query service to the site: which release files become which named graphs."""

from __future__ import annotations

import threading

from ..release import DUMP_STEM, Release
from ..sparql.service import DatasetGraphs, QueryService
from ..sparql.workers import WorkerPool
from ..stores.oxigraph import GraphSource
from .site import Site

#: release file → local name of the named graph it is loaded into
GRAPH_FILES = {f"{DUMP_STEM}.nt": "knowledge-graph", "catalog.nt": "catalog", "void.nt": "void"}
POOL_SIZE = 2
_lock = threading.Lock()


def graph_sources(release: Release) -> list[GraphSource]:
    """The named graphs of the served dataset, ``{base}graph/{name}``, that exist in the release."""
    return [
        GraphSource(release.path / file_name, f"{release.base_iri}graph/{graph}")
        for file_name, graph in GRAPH_FILES.items()
        if (release.path / file_name).is_file()
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
                )
                site.services["sparql"] = service
    return service  # type: ignore[return-value]
