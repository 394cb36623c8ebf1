"""An rdflib store for the build's one graph: three indices and a count, nothing per graph.

rdflib's default ``Memory`` store keeps, for every triple, the set of graphs that hold it and fires an
event for every triple added. The build's graph is a single graph of about a million triples at 500
conferences, so that bookkeeping was a third of loading it and slowed every walk over it (dumps,
statistics, JSON-LD). This store keeps what a single graph needs: ``spo``, ``pos`` and ``osp`` indices
(dicts in insertion order, as rdflib's) and the number of triples, so ``len()`` costs nothing.

It says it is context- and graph-aware because pyshacl wraps every data graph in an rdflib ``Dataset``,
which requires both; it answers for the one graph that fills it (the first context it is given), so a
``Dataset`` over it sees that graph and pyshacl's look-ups find it (``tests/test_one_graph_store.py``).
Prefix bindings are kept by rdflib's own ``SimpleMemory``, so they behave as in any rdflib graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib.graph import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.store import Store
from rdflib.term import Node, URIRef

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]
Index = dict[Node, dict[Node, dict[Node, None]]]


class OneGraphStore(Store):
    """A fast in-memory store holding exactly one graph (see the module text)."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, configuration: str | None = None, identifier: Any = None) -> None:
        super().__init__(configuration, identifier)
        self._spo: Index = {}
        self._pos: Index = {}
        self._osp: Index = {}
        self._count = 0
        self._graphs: tuple[Graph, ...] = ()
        self._bindings = SimpleMemory()

    # --- writing

    def add(self, triple: Triple, context: Any, quoted: bool = False) -> None:
        """Add one triple (to the one graph, whatever ``context`` says)."""
        if quoted:
            raise ValueError("OneGraphStore holds no formulae")
        self._insert(triple[0], triple[1], triple[2], context)

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:
        """Add many triples (a release adds a million: no per-triple dispatch)."""
        insert = self._insert
        for s, p, o, context in quads:
            insert(s, p, o, context)

    def _insert(self, s: Node, p: Node, o: Node, context: Any) -> None:
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        elif o in objects:
            return
        objects[o] = None
        self._count += 1
        if not self._graphs and isinstance(context, Graph):
            self._graphs = (context,)
        _put(self._pos, p, o, s)
        _put(self._osp, o, s, p)

    def remove(self, triple: Pattern, context: Any = None) -> None:
        """Remove every triple matching the pattern."""
        for s, p, o in self._matching(*triple):
            _drop(self._spo, s, p, o)
            _drop(self._pos, p, o, s)
            _drop(self._osp, o, s, p)
            self._count -= 1

    # --- reading

    def triples(self, triple_pattern: Pattern, context: Any = None) -> Iterator[tuple[Triple, Iterable[Graph]]]:  # type: ignore[override]  # a tuple, not an iterator
        """The triples matching the pattern, each with the one graph as its context (one shared tuple:
        rdflib's ``Graph`` ignores it, a ``Dataset`` loops over it)."""
        graphs = self._graphs
        for triple in self._matching(*triple_pattern):
            yield triple, graphs

    def _matching(self, s: Node | None, p: Node | None, o: Node | None) -> list[Triple]:
        """A list, not a generator: as with rdflib's stores, triples added while a caller walks the answer
        are not part of it (the build adds derived triples while it reads)."""
        if s is not None:
            by_predicate = self._spo.get(s, {})
            if p is not None:
                objects = by_predicate.get(p, {})
                if o is None:
                    return [(s, p, obj) for obj in objects]
                return [(s, p, o)] if o in objects else []
            if o is None:
                return [(s, predicate, obj) for predicate, objects in by_predicate.items() for obj in objects]
            return [(s, predicate, o) for predicate, objects in by_predicate.items() if o in objects]
        if p is not None:
            by_object = self._pos.get(p, {})
            if o is not None:
                return [(subject, p, o) for subject in by_object.get(o, {})]
            return [(subject, p, obj) for obj, subjects in by_object.items() for subject in subjects]
        if o is not None:
            return [
                (subject, predicate, o)
                for subject, predicates in self._osp.get(o, {}).items()
                for predicate in predicates
            ]
        return [
            (subject, predicate, obj)
            for subject, by_predicate in self._spo.items()
            for predicate, objects in by_predicate.items()
            for obj in objects
        ]

    def __len__(self, context: Any = None) -> int:
        return self._count

    def contexts(self, triple: Triple | None = None) -> Iterator[Graph]:  # type: ignore[override]
        """The one graph, if it holds anything (and holds ``triple``, if given)."""
        if self._count and (triple is None or self._matching(*triple)):
            yield from self._graphs

    def add_graph(self, graph: Graph) -> None:
        """Nothing to do: every graph is the one graph (pyshacl's ``Dataset`` asks for its default graph)."""

    def remove_graph(self, graph: Graph) -> None:
        """Emptying the one graph is ``remove((None, None, None))``; named graphs do not exist here."""
        raise NotImplementedError("OneGraphStore holds one graph")

    # --- prefixes, kept as rdflib keeps them

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._bindings.bind(prefix, namespace, override)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._bindings.namespace(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._bindings.prefix(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return self._bindings.namespaces()


def _put(index: Index, first: Node, second: Node, third: Node) -> None:
    by_second = index.get(first)
    if by_second is None:
        by_second = index[first] = {}
    thirds = by_second.get(second)
    if thirds is None:
        thirds = by_second[second] = {}
    thirds[third] = None


def _drop(index: Index, first: Node, second: Node, third: Node) -> None:
    by_second = index[first]
    thirds = by_second[second]
    del thirds[third]
    if not thirds:
        del by_second[second]
        if not by_second:
            del index[first]


def all_triples(graph: Graph) -> Iterable[Triple]:
    """Every triple of ``graph``: the store's own list on a :class:`OneGraphStore` (rdflib's two generators
    per triple cost a second per million), else the graph itself."""
    store = graph.store
    if isinstance(store, OneGraphStore):
        return store._matching(None, None, None)
    return graph


def graph_nodes(graph: Graph) -> set[Node]:
    """Every subject, predicate and object of ``graph``, each once: the indices' keys on a
    :class:`OneGraphStore` (no walk over a million triples), else a walk."""
    store = graph.store
    if isinstance(store, OneGraphStore):
        return store._spo.keys() | store._pos.keys() | store._osp.keys()
    return {node for triple in graph for node in triple}


def one_graph() -> Graph:
    """An empty graph on a :class:`OneGraphStore`."""
    return Graph(store=OneGraphStore())
