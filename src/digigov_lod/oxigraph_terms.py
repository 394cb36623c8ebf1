"""Oxigraph's terms as the rdflib terms rdflib's own parser would make: one conversion for the build's sources,
the pages' CONSTRUCT answers and validation's query answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier, Node

#: Datatypes rdflib leaves off a literal (a plain string; a string with a language tag)
_IMPLICIT_DATATYPES = frozenset({str(XSD.string), str(RDF.langString)})


#: A language tag in N-Triples followed by anything but the lower case Oxigraph would make of it (a superset:
#: ``"@`` inside a string also matches, which only sends the caller the slower way)
_CAPITALISED_TAG = re.compile(rb'"@[a-z0-9-]*[^a-z0-9 -]')


def read_otherwise_by_oxigraph(ntriples: bytes) -> bool:
    """Whether these N-Triples may hold a literal that Oxigraph reads as another term than rdflib does: an
    explicit ``xsd:string`` (Oxigraph drops it) or a language tag with capitals (lower-cased). Plain searches,
    not one regular expression: a tenth of the time on the build's dumps."""
    return b"^^<http://www.w3.org/2001/XMLSchema#string>" in ntriples or _CAPITALISED_TAG.search(ntriples) is not None


def rdflib_term(value: object) -> Identifier:
    """One Oxigraph term as an rdflib term (a blank node keeps its label)."""
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        if value.language or value.datatype.value in _IMPLICIT_DATATYPES:
            return Literal(value.value, lang=value.language)
        return Literal(value.value, datatype=URIRef(value.datatype.value))
    raise ValueError(f"not an RDF term of a graph: {value!r}")


class OxigraphTerms:
    """Oxigraph terms → rdflib terms, each converted once: IRIs and literals are one rdflib object each for
    everything read through one instance, so that rdflib's indexes find them by identity instead of calling
    a Python ``__eq__`` (and hold each once).

    ``fresh_blank_nodes``: each document's blank nodes are new nodes, as rdflib's parser makes them (the
    build's source files); else they keep their labels (an engine's answer)."""

    def __init__(self, fresh_blank_nodes: bool = True) -> None:
        self.fresh_blank_nodes = fresh_blank_nodes
        self.known: dict[object, Node] = {}
        self.blank: dict[object, Node] = {}

    def triples(self, quads: Iterable[ox.Quad]) -> Iterator[tuple[Node, Node, Node]]:
        """The triples of one document."""
        self.blank = {}
        term = self.term
        for quad in quads:
            yield term(quad.subject), term(quad.predicate), term(quad.object)

    def term(self, value: object) -> Node:
        known = self.blank if type(value) is ox.BlankNode else self.known
        found = known.get(value)
        if found is None:
            fresh = self.fresh_blank_nodes and type(value) is ox.BlankNode
            found = known[value] = BNode() if fresh else rdflib_term(value)
        return found
