"""The SPARQL dataset of a release, in one place: which release files become which named graphs,
their sizes, and the query service over them (used by the web app and by ``digigov-lod query``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..config import Settings
from ..namespaces import bind_prefixes
from ..release import DUMP_STEM, Release
from .embedded import GraphSource
from .engine import Engine
from .remote import RemoteEngine
from .service import DatasetGraphs, QueryService
from .workers import WorkerPool


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


@dataclass(frozen=True)
class GraphSizes:
    """Triples per named graph, and in the default graph (their union, each triple counted once)."""

    named: dict[str, int]
    union: int


_sizes: dict[tuple[str, str], GraphSizes] = {}
_sizes_lock = threading.Lock()


def graph_sources(release: Release) -> list[GraphSource]:
    """The named graphs of the served dataset, ``{base}graph/{name}``, that exist in the release."""
    return _sources(release.path, release.base_iri)


def _sources(folder: Path, base: str) -> list[GraphSource]:
    return [
        GraphSource(folder / graph.source_file, f"{base}graph/{graph.name}")
        for graph in NAMED_GRAPHS
        if (folder / graph.source_file).is_file()
    ]


def dataset_nquads(folder: Path, base: str) -> bytes:
    """The served dataset as N-Quads, as the embedded engine loads it (:func:`~.embedded.load_store`): each
    named graph, and in the default graph their merge (each triple once), so that an engine loading the file
    answers as the embedded one, counts included. The same files always give the same bytes.

    Blank nodes get their graph's name in their label: in one N-Quads file a label is one node, whereas
    the blank nodes of different source files are different nodes."""
    merge: set[str] = set()
    named: list[str] = []
    for source in _sources(folder, base):
        graph = ox.NamedNode(source.name)
        prefix = source.name.rsplit("/", 1)[-1]
        lines = set()
        for triple in ox.parse(path=str(source.path), format=ox.RdfFormat.N_TRIPLES):
            s, o = (
                ox.BlankNode(f"{prefix}-{t.value}") if isinstance(t, ox.BlankNode) else t
                for t in (triple.subject, triple.object)
            )
            merge.add(f"{ox.Triple(s, triple.predicate, o)} .\n")
            lines.add(f"{ox.Quad(s, triple.predicate, o, graph)} .\n")
        named.extend(sorted(lines))
    return "".join(sorted(merge) + named).encode("utf-8")


def dataset_sizes(release: Release) -> GraphSizes:
    """The triple counts of the release's graphs, read once per release (N-Triples: a triple a line)."""
    key = (str(release.path), release.version)
    with _sizes_lock:
        found = _sizes.get(key)
        if found is None:
            named: dict[str, int] = {}
            distinct: set[bytes | tuple[str, bytes]] = set()
            for source in graph_sources(release):
                count = 0
                with source.path.open("rb") as handle:
                    for line in handle:
                        triple = line.strip()
                        if not triple or triple.startswith(b"#"):
                            continue
                        count += 1
                        # blank nodes of different files are different nodes: such triples never coincide
                        distinct.add((source.name, triple) if b"_:" in triple else triple)
                named[source.name] = count
            found = _sizes[key] = GraphSizes(named, len(distinct))
    return found


def graph_sizes(release: Release) -> dict[str, int]:
    """Triples per named graph (cached per release)."""
    return dict(dataset_sizes(release).named)


def query_prefixes(base: str) -> tuple[tuple[str, str], ...]:
    """The prefixes used in RDF answers (Turtle, RDF/XML): the same as the release's documents."""
    return tuple((p, str(ns)) for p, ns in bind_prefixes(Graph(bind_namespaces="none"), base).namespaces() if p)


def build_service(release: Release, settings: Settings, pool_size: int = POOL_SIZE) -> QueryService:
    """The query service over ``release``: on ``settings.sparql_endpoint`` where one is set, else in engine
    processes of its own (they start on the first query)."""
    sources = graph_sources(release)
    graphs = tuple(s.name for s in sources)
    engine: Engine
    if settings.sparql_endpoint:  # a remote engine, loaded from the release's N-Quads dump
        engine = RemoteEngine(settings.sparql_endpoint, graphs, settings.sparql_default_graph)
    else:
        engine = WorkerPool(sources, pool_size, memory_mb=settings.engine_memory_mb)
    return QueryService(
        engine,
        DatasetGraphs(graphs),
        settings.query_timeout_s,
        settings.max_result_rows,
        settings.query_cache_entries,
        query_prefixes(release.base_iri),
        base_iri=release.base_iri,
    )
