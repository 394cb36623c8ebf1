"""The one interface the site reads a release through: queries, page helpers, release files and sizes.

Pages, embeds, the catalog, the downloads and the counts all read through a :class:`Store`, never
through a graph or a file of their own. Queries go to the release's :class:`~.service.QueryService`,
so the same pages render on the embedded engine and on a remote SPARQL endpoint. The queries pages
need are data, ``pages/*.rq``, like the example queries.

A store belongs to one release (the :class:`~digigov_lod.web.site.Site` holds it) and keeps every
cache it fills: a reload onto a new release makes a new store, so nothing stale can be served.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..config import Settings
from ..describe import compact_iri, describe
from ..formats import NTRIPLES, SPARQL_JSON, TURTLE
from ..namespaces import bind_prefixes
from ..oxigraph_terms import OxigraphTerms
from ..release import DUMP_STEM, DamagedFile, Release, ReleaseFile
from .cache import LruCache
from .dataset import NAMED_GRAPHS, POOL_SIZE, build_engine, build_service, query_prefixes
from .engine import Engine, EngineBadAnswer, EngineFailure, EngineUnavailable, PoolBusy, QueryError, retry_later
from .guard import QueryPlan, QueryRefused
from .service import QueryService

T = TypeVar("T")
log = logging.getLogger(__name__)

#: The last few neighbourhoods kept parsed: one page reads its resource's several times, a reader switching
#: language or format the same one again. Older ones are asked again and recalled from the page service's
#: cache of answers (bytes, which the garbage collector skips; kept as rdflib graphs, about a thousand
#: objects each, every full collection walked them all: 100-200 ms pauses after a few hundred pages).
NEIGHBOURHOOD_GRAPHS_KEPT = 32
#: Other things derived from the release and kept per release (snippets, term lists, descriptions).
DERIVED_KEPT = 4096
#: Page queries are the site's own, not a client's: their answers may be as long as the data needs.
PAGE_QUERY_ROWS = 10_000_000
#: Characters an IRI put into a page query may not contain (they would end the IRI or the query).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class PageQueryError(EngineBadAnswer):
    """A page query could not be put together or its answer not read: a fault of the server (502)."""


@dataclass(frozen=True)
class GraphSizes:
    """Triples per named graph, and in the default graph (their union, each triple counted once)."""

    named: dict[str, int]
    union: int


def page_query(name: str) -> str:
    """The text of ``pages/{name}.rq`` (shipped with the package)."""
    return (resources.files(__package__) / "pages" / f"{name}.rq").read_text(encoding="utf-8")


def iri_term(iri: str) -> str:
    """``<iri>`` for a query; raises PageQueryError for text that is not an IRI."""
    if not iri or _NOT_IN_IRI.search(iri):
        raise PageQueryError(f"not an IRI for a page query: {iri!r}")
    return f"<{iri}>"


def bind(query: str, **iris: str) -> str:
    """``query`` with each variable ``?name`` replaced by the IRI given for it."""
    for name, iri in iris.items():
        query = re.sub(rf"\?{name}\b", iri_term(iri), query)  # an IRI term holds no backslash (see iri_term)
    return query


def fill_values(query: str, variable: str, iris: Iterable[str]) -> str:
    """``query`` with each empty ``VALUES ?variable {}`` filled with ``iris``."""
    terms = " ".join(iri_term(i) for i in iris)
    return query.replace(f"VALUES ?{variable} {{}}", f"VALUES ?{variable} {{ {terms} }}")


class Store:
    """Everything the site reads of one release."""

    def __init__(
        self, release: Release, settings: Settings, pool_size: int = POOL_SIZE, engine: Engine | None = None
    ) -> None:
        """``engine``: what answers the queries (default: made from the settings on first use)."""
        self.release = release
        self.settings = settings
        self.pool_size = pool_size
        self.knowledge_graph = f"{release.base_iri}graph/knowledge-graph"
        self.prefixes = query_prefixes(release.base_iri)  # declared for every query
        self.namespaces = bind_prefixes(Graph(bind_namespaces="none"), release.base_iri)
        self.damaged = self._dump_damage()
        self._lock = threading.Lock()
        self._engine: Engine | None = engine
        self._service: QueryService | None = None
        self._pages: QueryService | None = None
        self._sizes: GraphSizes | None = None
        self._display_labels: Graph | None = None
        self._neighbourhoods: LruCache[Graph] = LruCache(NEIGHBOURHOOD_GRAPHS_KEPT)
        self._derived: LruCache[Any] = LruCache(DERIVED_KEPT)

    # ------------------------------------------------------------------ the query services

    @property
    def service(self) -> QueryService:
        """The query service of the SPARQL endpoint (its limits are the public ones); started on first use,
        that is after any fork of the web server."""
        if self._service is None:
            self._start()
        assert self._service is not None
        return self._service

    def _page_service(self) -> QueryService:
        """The same engine for the site's own page queries, without the public row limit."""
        if self._pages is None:
            self._start()
        assert self._pages is not None
        return self._pages

    def _start(self) -> None:
        with self._lock:
            if self._service is None:
                self._engine = self._engine or build_engine(self.release, self.settings, self.pool_size)
                self._service = build_service(self.release, self.settings, self._engine)
                self._pages = build_service(self.release, self.settings, self._engine, max_rows=PAGE_QUERY_ROWS)

    def close(self) -> None:
        """Stop the engine processes (if any were started)."""
        with self._lock:
            if self._engine is not None:
                self._engine.close()
            self._engine = self._service = self._pages = None

    # ------------------------------------------------------------------ queries

    def _answer(self, query: str, format_key: str, plan: QueryPlan | None = None) -> bytes:
        """The engine's answer to one of the site's own queries. Its failures are the server's, never the
        reader's: a busy pool or an unreachable engine is a 503 with Retry-After, a bad answer a 502, a
        query the engine refuses a 500 (through the central error handler, like the endpoint's).

        ``plan``: the guard's plan of the page query this was made from (binding IRIs changes neither its
        form nor its dataset), so that a page does not pay for checking its own query again."""
        service = self._page_service()
        try:
            return service.answer(query, plan or service.plan(query), format_key).body
        except (PoolBusy, EngineUnavailable) as exc:
            raise retry_later(exc, self.settings.query_timeout_s) from None
        except (QueryError, QueryRefused) as exc:
            raise EngineFailure("a query of the page was refused", str(exc)) from None

    def select(self, query: str, plan: QueryPlan | None = None) -> list[dict[str, dict[str, str]]]:
        """The rows of a SELECT query as SPARQL JSON bindings."""
        return list(self._results(query, plan)["results"]["bindings"])

    def ask(self, query: str) -> bool:
        return bool(self._results(query)["boolean"])

    def construct(self, query: str, plan: QueryPlan | None = None, into: Graph | None = None) -> Graph:
        """The graph a CONSTRUCT (or DESCRIBE) query answers, with the site's prefixes bound (``into``: added
        to that graph instead of a new one)."""
        body = self._answer(query, NTRIPLES.key, plan)
        graph = bind_prefixes(Graph(), self.release.base_iri) if into is None else into
        terms = OxigraphTerms(fresh_blank_nodes=False)  # each term once, shared: rdflib finds it by identity
        try:  # pyoxigraph's parser: rdflib's took most of a resource page's time
            for triple in terms.triples(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)):
                graph.add(triple)
        except (SyntaxError, ValueError) as exc:  # a remote engine's garbled answer is its fault, not the reader's
            raise PageQueryError("the engine's answer to a page query is not N-Triples", str(exc)) from None
        return graph

    def _results(self, query: str, plan: QueryPlan | None = None) -> dict[str, Any]:
        body = self._answer(query, SPARQL_JSON.key, plan)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise PageQueryError("the engine's answer to a page query is not SPARQL JSON", str(exc)) from None

    # ------------------------------------------------------------------ what pages read

    def neighbourhood(self, iri: str) -> Graph:
        """A resource's description with what its page needs around it (labels, types, names of the
        things it links to), from one query; kept per release. Empty for an IRI the data does not know."""
        found = self._neighbourhoods.get(iri)
        if found is None:
            found = self.construct(*self._page("neighbourhood", this=iri, kg=self.knowledge_graph))
            self._neighbourhoods.put(iri, found)
        return found

    def _page(self, name: str, **iris: str) -> tuple[str, QueryPlan]:
        """The page query ``name`` with ``iris`` bound, and its plan (checked once per release)."""
        text: str = self.remember(("page-query", name), lambda: page_query(name))
        plan: QueryPlan = self.remember(("plan", name), lambda: self._page_service().plan(text))
        return bind(text, **iris), plan

    def page_rows(self, name: str, **iris: str) -> list[dict[str, dict[str, str]]]:
        """The rows of the SELECT page query ``name`` (``iris`` bound, ``?kg`` the knowledge graph)."""
        return self.select(*self._page(name, kg=self.knowledge_graph, **iris))

    def page_graph(self, name: str, keep: bool = True, values: Sequence[str] = (), **iris: str) -> Graph:
        """The answer of the CONSTRUCT page query ``name`` (``iris`` bound, ``?kg`` the knowledge graph, its
        ``VALUES ?this {}`` filled with ``values``) with the labels of every IRI in it: the part of the data a
        page reads, never the whole graph.

        ``keep``: remember it for the release (a small graph several pages share, like the programme's)."""

        def make() -> Graph:
            query, plan = self._page(name, kg=self.knowledge_graph, **iris)
            answer = self.construct(fill_values(query, "this", values), plan)
            return self.labels({term for triple in answer for term in triple}, into=answer)

        return self.remember(("page-graph", name, *sorted(iris.items()), *values), make) if keep else make()

    def describe(self, iri: str) -> Graph:
        """The resource's document: its statements (following blank nodes) and the statements about it."""
        return describe(self.neighbourhood(iri), URIRef(iri), self.release.base_iri)

    def knows(self, iri: str) -> bool:
        """Whether the data has any statement with ``iri`` as subject or object."""
        return len(self.describe(iri)) > 0

    def labels(self, terms: Iterable[Node], into: Graph | None = None) -> Graph:
        """A graph of the label statements of ``terms`` (the IRIs among them) in the knowledge graph
        (``into``: added to that graph)."""
        iris = sorted({str(t) for t in terms if isinstance(t, URIRef) and not _NOT_IN_IRI.search(str(t))})
        if not iris:
            return bind_prefixes(Graph(), self.release.base_iri) if into is None else into
        query, plan = self._page("labels", kg=self.knowledge_graph)
        return self.construct(fill_values(query, "term", iris), plan, into)

    def with_labels(self, graph: Graph) -> Graph:
        """A copy of ``graph`` with the labels of every IRI it mentions (for pages made from release files)."""
        combined = bind_prefixes(Graph(), self.release.base_iri)
        for triple in graph:
            combined.add(triple)
        return self.labels({term for triple in graph for term in triple}, into=combined)

    def compact(self, iri: str) -> str:
        """``schema:name`` for an IRI in a known namespace, the IRI itself otherwise."""
        return compact_iri(self.namespaces, iri)

    def display_labels(self) -> Graph:
        """sv/en labels for the terms of other vocabularies (shipped with the package, not published)."""
        if self._display_labels is None:
            path = resources.files("digigov_lod") / "resources" / "labels" / "display-labels.ttl"
            graph = Graph()
            if path.is_file():
                graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
            self._display_labels = graph
        return self._display_labels

    def remember(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per release and key (for snippets, term lists, descriptions)."""
        found = self._derived.get(key)
        if found is None:
            found = make()
            self._derived.put(key, found)
        return found

    # ------------------------------------------------------------------ sizes

    def sizes(self) -> GraphSizes:
        """Triples per named graph and in the default graph, counted by the engine (once per release)."""
        if self._sizes is None:
            graphs = [f"{self.release.base_iri}graph/{g.name}" for g in NAMED_GRAPHS]
            rows = self.select(fill_values(page_query("graph-sizes"), "graph", graphs))
            named = {row["graph"]["value"]: int(row["triples"]["value"]) for row in rows}
            union = self.select(page_query("union-size"))
            self._sizes = GraphSizes(
                {g: named[g] for g in graphs if g in named}, int(union[0]["triples"]["value"]) if union else 0
            )
        return self._sizes

    # ------------------------------------------------------------------ release files

    def files(self, role: str | None = None) -> list[ReleaseFile]:
        """The release's files as its manifest lists them (``role``: only those of one role)."""
        return self.release.files(role)

    def path(self, name: str) -> Path:
        """The path of the release file ``name``, once it matches the manifest (else DamagedFile: 503)."""
        return self.release.require(name)

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def open(self, name: str) -> IO[bytes]:
        """The release file ``name`` opened for reading (checked against the manifest first)."""
        return self.path(name).open("rb")

    def read(self, name: str) -> bytes | None:
        """The bytes of the release file ``name``; None when the release has no such file."""
        path = self.path(name)
        return path.read_bytes() if path.is_file() else None

    def parsed(self, name: str) -> Graph:
        """A Turtle file of the release (the catalog, VoID) as a graph, parsed once per release."""
        return self.remember(("parsed", name), lambda: Graph().parse(self.path(name), format=TURTLE.rdflib_name))

    def _dump_damage(self) -> DamagedFile | None:
        """Why the knowledge graph cannot be read (its dump does not match the manifest), or None."""
        try:
            self.release.require(f"{DUMP_STEM}.{NTRIPLES.extension}")
        except DamagedFile as exc:
            return exc
        return None
