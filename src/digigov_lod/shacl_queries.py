"""The data graph as pyshacl sees it: the same triples, its SPARQL answered faster, with the same answers.

pyshacl runs a SPARQL query for every SPARQL-based target, and for every SPARQL-based constraint once per
focus node, through rdflib, which parses the query text again on every call. Measured on a 10-copy corpus
(28 K triples) that was 149 s, nine tenths of it in rdflib's SPARQL parser. Three things, none of which
changes what a query returns:

* every query text is parsed once and the parsed query reused (rdflib evaluates a parsed query exactly as
  it evaluates the text);
* a query without bindings (pyshacl's ``sh:SPARQLTarget`` queries) is answered by pyoxigraph over a copy of
  the same triples: one whole-graph query, milliseconds instead of rdflib's filter evaluation per row;
* a constraint query whose WHERE clause starts with a triple pattern on ``$this`` is answered by pyoxigraph
  once for the whole graph with ``$this`` free, its rows grouped by ``$this``; pyshacl's call for a focus
  node gets that node's rows. A triple pattern at the start of the group binds ``$this`` before anything
  else uses it, so these rows are exactly the rows of the query with ``$this`` bound beforehand (a query
  with a nested SELECT, where that would not hold, keeps the per-node path).

Everything else (core constraints, the rare query that does not start with ``$this``) runs as before.
``tests/test_validation_equivalence.py`` holds the findings equal to the slow path's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, MutableSequence
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result
from rdflib.term import Identifier, Node

from .oxigraph_terms import rdflib_term, read_otherwise_by_oxigraph

_PREFIXES = re.compile(r"^(\s*(PREFIX|BASE)\s[^\n]*\n)*", re.IGNORECASE)
#: ``SELECT … WHERE { $this …``: the group starts with a triple pattern whose subject is $this.
_THIS_FIRST = re.compile(r"^\s*SELECT\s[^{]*?\bWHERE\s*\{\s*[$?]this\s", re.IGNORECASE | re.DOTALL)
_XSD_STRING = str(XSD.string)
_TYPED_LITERAL = re.compile(rb'"(?:[^"\\\n]|\\.)*"\^\^<[^>]*>')


def _body(text: str) -> str:
    """The query without its PREFIX and BASE lines (pyshacl puts them in front of the shape's SELECT)."""
    return _PREFIXES.sub("", text, count=1)


def whole_graph_for_this(text: str) -> bool:
    """Whether the query's rows with ``$this`` free, restricted to one node, are its rows with ``$this`` bound."""
    body = _body(text)
    return bool(_THIS_FIRST.match(body)) and len(re.findall(r"\bSELECT\b", body, re.IGNORECASE)) == 1


class _Terms:
    """rdflib ↔ pyoxigraph terms; a term read back is the very term of the data graph where there is one."""

    def __init__(self) -> None:
        self.to_ox: dict[Node, Any] = {}
        self.from_ox: dict[Any, Identifier] = {}
        self.typed_literals: set[Any] = set()  # Oxigraph literals with a datatype other than the string types
        self.differ = False  # a literal that rdflib and Oxigraph would not see alike (see literals_differ)

    def ox(self, term: Node) -> Any:
        found = self.to_ox.get(term)
        if found is None:
            if isinstance(term, URIRef):
                found = ox.NamedNode(str(term))
            elif isinstance(term, BNode):
                found = ox.BlankNode()
            elif isinstance(term, Literal):
                if term.language:
                    found = ox.Literal(str(term), language=term.language)
                elif term.datatype is not None:
                    found = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
                else:
                    found = ox.Literal(str(term))
            else:
                raise TypeError(f"not an RDF term: {term!r}")
            self.to_ox[term] = found
            if isinstance(term, Literal):
                self._note(term, found)
            self.from_ox.setdefault(found, term)  # "x" and "x"^^xsd:string are one term in Oxigraph
        return found

    def _note(self, term: Literal, found: Any) -> None:
        """Remember a literal that Oxigraph may judge differently from rdflib (shacl_narrowing.py relies on it)."""
        capitals = term.language is not None and term.language != term.language.lower()
        if found in self.from_ox or getattr(term, "ill_typed", False) or term.datatype == XSD.string or capitals:
            self.differ = True
        elif term.datatype is not None:
            self.typed_literals.add(found)

    def rdflib(self, term: Any) -> Identifier:
        found = self.from_ox.get(term)
        return found if found is not None else rdflib_term(term)


def _result(variables: list[Variable], rows: list[dict[Variable, Identifier]]) -> Result:
    result = Result("SELECT")
    result.vars = variables
    result.bindings = cast(MutableSequence[Mapping[Variable, Identifier]], rows)  # rdflib only reads them
    return result


class QueryGraph(Graph):
    """The data graph (same store, nothing copied) whose ``query`` pyshacl calls; see the module text."""

    def __init__(self, data: Graph, ntriples: bytes | None = None) -> None:
        """``ntriples``: ``data`` as N-Triples, when the caller has them (the build does), for a faster copy."""
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._data = data
        self._ntriples = ntriples
        self._parsed: dict[str, Any] = {}
        self._terms = _Terms()
        self._store: ox.Store | None = None
        self._by_this: dict[str, tuple[list[Variable], dict[Identifier, list[dict[Variable, Identifier]]]]] = {}
        self._unbound: dict[str, tuple[list[Variable], list[dict[Variable, Identifier]]]] = {}

    # pyshacl calls query(text, initBindings=...) and nothing else that reaches here
    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql" and result == "sparql" and not initNs and not kwargs:
            answer = self._answer(query_object, dict(initBindings or {}))
            if answer is not None:
                return answer
            parsed = self._parsed.get(query_object)
            if parsed is None:
                parsed = self._parsed[query_object] = translateQuery(parseQuery(query_object))
            query_object = parsed
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _answer(self, text: str, bindings: dict[str, Identifier]) -> Result | None:
        if not bindings:
            if text not in self._unbound:
                if _body(text).lstrip()[:6].upper() != "SELECT":
                    return None
                self._unbound[text] = self._select(text)
            variables, rows = self._unbound[text]
            return _result(variables, rows)
        if set(bindings) == {"this"} and whole_graph_for_this(text):
            grouped = self.rows_by_this(text)
            return _result(self._by_this[text][0], grouped.get(bindings["this"], []))
        return None

    def _select(self, text: str) -> tuple[list[Variable], list[dict[Variable, Identifier]]]:
        solutions = self._oxigraph().query(text)
        assert isinstance(solutions, ox.QuerySolutions), "only SELECT queries reach here"
        names = [v.value for v in solutions.variables]
        variables = [Variable(name) for name in names]
        convert = self._terms.rdflib
        rows = []
        for solution in solutions:
            row = {}
            for name, variable in zip(names, variables, strict=True):
                value = solution[name]
                if value is not None:
                    row[variable] = convert(value)
            rows.append(row)
        return variables, rows

    def select_rows(self, text: str) -> list[dict[str, Identifier]]:
        """A SELECT query's rows by Oxigraph, as rdflib terms keyed by variable name."""
        _, rows = self._select(text)
        return [{str(name): value for name, value in row.items()} for row in rows]

    def rows_by_this(self, text: str) -> dict[Identifier, list[dict[Variable, Identifier]]]:
        """A ``$this``-first constraint query's rows for every focus node at once (see whole_graph_for_this)."""
        if not whole_graph_for_this(text):
            raise ValueError("not a query that can be answered for the whole graph at once")
        if text not in self._by_this:
            variables, rows = self._select(text)
            grouped: dict[Identifier, list[dict[Variable, Identifier]]] = {}
            this = Variable("this")
            for row in rows:
                if this in row:
                    grouped.setdefault(row[this], []).append(row)
            self._by_this[text] = (variables, grouped)
        return self._by_this[text][1]

    def literals_differ(self) -> bool:
        """Whether some literal would be compared differently by Oxigraph than by rdflib.

        That is an ill-typed literal, an explicit ``xsd:string`` (the same term as a plain literal in Oxigraph),
        a language tag with capitals (Oxigraph lower-cases it), two rdflib literals that are one Oxigraph
        term, or a typed literal that Oxigraph stores in another lexical form ("01"^^xsd:integer).
        """
        store = self._oxigraph()
        if self._terms.differ:
            return True
        stored = store.query(
            "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && LANG(?o) = '' && "
            "DATATYPE(?o) != <http://www.w3.org/2001/XMLSchema#string>) }"
        )
        assert isinstance(stored, ox.QuerySolutions)
        return {solution["o"] for solution in stored} != self._terms.typed_literals

    def _oxigraph(self) -> ox.Store:
        """The same triples in an in-memory Oxigraph store, made on the first query that needs it."""
        if self._store is None:
            self._store = ox.Store()
            if self._ntriples is None or not self._load_ntriples(self._store, self._ntriples):
                self._store.bulk_extend(self._quads(self._data.triples((None, None, None))))
        return self._store

    def _load_ntriples(self, store: ox.Store, ntriples: bytes) -> bool:
        """Load the data's own N-Triples in Rust, where no literal in them could mean something else to
        Oxigraph than to rdflib; False (nothing loaded: convert term by term) otherwise.

        The term-by-term copy took 17 of the 500-copy build's 147 s. Its by-products are made here from the
        text: the typed literals (for :meth:`literals_differ`), and the reasons it would have set ``differ``
        (an explicit ``xsd:string``, a language tag with capitals, an ill-typed literal), which send the
        data down the term-by-term path instead, so that answers keep the data's own terms there.
        """
        if read_otherwise_by_oxigraph(ntriples):
            return False
        typed = b"".join(b"<x:s> <x:p> " + literal + b" .\n" for literal in _typed_literals(ntriples))
        try:
            literals = {triple.object for triple in ox.parse(typed, format=ox.RdfFormat.N_TRIPLES)}
        except (SyntaxError, ValueError):
            return False
        for literal in literals:
            if not isinstance(literal, ox.Literal) or getattr(self._terms.rdflib(literal), "ill_typed", False):
                return False
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        self._terms.typed_literals = literals
        return True

    def _quads(self, triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Quad]:
        convert = self._terms.ox
        default = ox.DefaultGraph()
        for s, p, o in triples:
            yield ox.Quad(convert(s), convert(p), convert(o), default)


def _typed_literals(ntriples: bytes) -> set[bytes]:
    """The typed literals of N-Triples lines, each once.

    Found from each ``"^^<`` back to the line's first quote (subjects and predicates hold none): a tenth of
    the time of one regular expression over the whole text. Where a piece is not one literal (``"^^<`` inside
    a string), the regular expression reads the whole text instead.
    """
    found: set[bytes] = set()
    at = ntriples.find(b'"^^<')
    while at != -1:
        line_start = ntriples.rfind(b"\n", 0, at) + 1
        end = ntriples.find(b">", at) + 1
        literal = ntriples[ntriples.index(b'"', line_start) : end]
        if not end or not _TYPED_LITERAL.fullmatch(literal):
            return set(_TYPED_LITERAL.findall(ntriples))
        found.add(literal)
        at = ntriples.find(b'"^^<', end)
    return found
