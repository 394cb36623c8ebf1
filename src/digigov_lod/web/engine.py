"""The site's query service, started lazily; the dataset itself is defined in :mod:`digigov_lod.sparql.dataset`."""

from __future__ import annotations

import threading

from ..sparql.dataset import NAMED_GRAPHS, NamedGraph, build_service, dataset_sizes, graph_sizes, graph_sources
from ..sparql.service import QueryService
from .site import Site

__all__ = ["NAMED_GRAPHS", "NamedGraph", "dataset_sizes", "graph_sizes", "graph_sources", "query_service"]

_lock = threading.Lock()


def query_service(site: Site) -> QueryService:
    """The site's query service, created on first use (after any fork of the web server)."""
    service = site.services.get("sparql")
    if service is None:
        with _lock:
            service = site.services.get("sparql")
            if service is None:
                service = site.services["sparql"] = build_service(site.release, site.settings)
    return service  # type: ignore[return-value]  # site.services holds any object; "sparql" is always a QueryService
