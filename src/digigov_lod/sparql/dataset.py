"""The SPARQL dataset of a release, in one place: which release files become which named graphs
and the query service over them (used by the web app and by ``digigov-lod query``)."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..config import Settings
from ..namespaces import bind_prefixes
from ..oxigraph_terms import read_otherwise_by_oxigraph
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
    runs: list[list[bytes]] = []  # each graph's lines, sorted, each once
    named: list[bytes] = []
    for source in _sources(folder, base):
        text = source.path.read_bytes()  # read once: the knowledge graph's is hundreds of MB at scale
        if _rewritten_by_oxigraph(text):
            text = ox.serialize(_relabelled(source, text), format=ox.RdfFormat.N_TRIPLES) or b""
        lines = text.splitlines(keepends=True)
        if not all(map(operator.lt, lines, lines[1:])):  # a release's files are sorted already
            lines = sorted(set(lines))
            text = b"".join(lines)
        runs.append(lines)
        # "s p o .\n" in the graph: "s p o <graph> .\n" (" .\n" ends a line only: N-Triples escape line breaks);
        # the order stays: each line gets the same ending, which starts where the line's old one did
        named.append(text.replace(b" .\n", f" {ox.NamedNode(source.name)} .\n".encode()))
        del text, lines  # the knowledge graph's are hundreds of MB: not held while the next graph is read
    merge = dict.fromkeys(sorted(itertools.chain.from_iterable(runs)))  # sorted runs: a merge; then each once
    del runs
    return b"".join(itertools.chain(merge, named))  # one copy of the dump, not one per part


#: Bytes Oxigraph writes as they are in N-Triples: no control character but the line feed.
_WRITTEN_AS_IS = bytes(range(0x20, 0x7F)) + b"\n" + bytes(range(0x80, 0x100))


def _rewritten_by_oxigraph(ntriples: bytes) -> bool:
    """Whether Oxigraph's N-Triples of these lines might differ from them: a blank node (relabelled), an explicit
    xsd:string (left out), a language tag with capitals (lower-cased) or a control character (escaped).
    Each may also occur inside a term, which only sends the file the slower way. Plain searches, not one
    regular expression: 0.1 s instead of 0.7 s for 45 MB."""
    return b"_:" in ntriples or read_otherwise_by_oxigraph(ntriples) or bool(ntriples.translate(None, _WRITTEN_AS_IS))


def _relabelled(source: GraphSource, text: bytes) -> Iterator[ox.Triple]:
    """The source's triples, each blank node labelled with its graph's name (Oxigraph writes them, in Rust)."""
    triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    if b"_:" not in text:
        yield from triples
        return
    prefix = source.name.rsplit("/", 1)[-1]
    for triple in triples:
        s, o = (
            ox.BlankNode(f"{prefix}-{t.value}") if isinstance(t, ox.BlankNode) else t
            for t in (triple.subject, triple.object)
        )
        yield ox.Triple(s, triple.predicate, o)


def query_prefixes(base: str) -> tuple[tuple[str, str], ...]:
    """The prefixes used in RDF answers (Turtle, RDF/XML): the same as the release's documents."""
    return tuple((p, str(ns)) for p, ns in bind_prefixes(Graph(bind_namespaces="none"), base).namespaces() if p)


def build_engine(release: Release, settings: Settings, pool_size: int = POOL_SIZE) -> Engine:
    """What answers the release's queries: ``settings.sparql_endpoint`` where one is set, else engine
    processes of its own (they start on the first query)."""
    sources = graph_sources(release)
    if settings.sparql_endpoint:  # a remote engine, loaded from the release's N-Quads dump
        return RemoteEngine(settings.sparql_endpoint, tuple(s.name for s in sources), settings.sparql_default_graph)
    return WorkerPool(sources, pool_size, memory_mb=settings.engine_memory_mb)


def build_service(
    release: Release, settings: Settings, engine: Engine | None = None, max_rows: int | None = None
) -> QueryService:
    """The query service over ``release`` on ``engine`` (default: a new one from :func:`build_engine`), with
    the settings' limits (``max_rows`` overrides the row limit, for the site's own page queries)."""
    return QueryService(
        engine or build_engine(release, settings),
        DatasetGraphs(tuple(s.name for s in graph_sources(release))),
        settings.query_timeout_s,
        settings.max_result_rows if max_rows is None else max_rows,
        settings.query_cache_entries,
        query_prefixes(release.base_iri),
        base_iri=release.base_iri,
    )
