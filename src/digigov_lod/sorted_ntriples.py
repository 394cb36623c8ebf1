"""A graph's N-Triples, sorted: rdflib's lines, each term written once.

The release's version, its N-Triples dump, validation's copy and the Turtle dump all start from these
bytes. rdflib's serialiser writes every term of every statement anew (checking each IRI again) and
encodes line by line; at 1.4 M statements that was 9 s of the build. Here each term object is written
once (the graph shares one object per IRI and literal, see :mod:`.graph`) with rdflib's own functions, so
the lines are rdflib's (``tests/test_sorted_ntriples.py``), sorted by code point, which is the order of
their UTF-8 bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from .one_graph_store import all_triples


def sorted_ntriples(graph: Graph) -> bytes:
    """The graph's N-Triples lines as rdflib writes them, sorted, as UTF-8."""
    # id of a term → (the term, kept alive so that its id stays its own; its text)
    terms: dict[int, tuple[Node, str]] = {}  # as rdflib writes a subject or predicate, or an object that is no literal
    literals: dict[int, tuple[Node, str]] = {}  # literal objects, which rdflib writes its own way

    def text(term: Node, written: dict[int, tuple[Node, str]], write: Callable[[Node], str]) -> str:
        found = written.get(id(term))
        if found is None:
            found = written[id(term)] = (term, write(term))
        return found[1]

    lines = [
        f"{text(s, terms, _n3)} {text(p, terms, _n3)} "
        + (f"{text(o, literals, _literal)} .\n" if isinstance(o, Literal) else f"{text(o, terms, _n3)} .\n")
        for s, p, o in all_triples(graph)
    ]
    lines.sort()
    return "".join(lines).encode("utf-8")


def _n3(term: Node) -> str:
    return term.n3()


def _literal(term: Node) -> str:
    assert isinstance(term, Literal)
    return _quoteLiteral(term)
