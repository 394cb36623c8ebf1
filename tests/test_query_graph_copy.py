"""Validation's Oxigraph copy made from the build's N-Triples is the copy made term by term.

The build gives :class:`QueryGraph` the graph's N-Triples, which Oxigraph loads in Rust; where a literal
could mean something else to Oxigraph than to rdflib, the copy is made term by term as before, so that
``literals_differ`` (which turns narrowing off) and the answers' terms stay what they were.
"""

from __future__ import annotations

import pytest
from rdflib import XSD, Graph, Literal, Namespace, URIRef

from digigov_lod.formats import NTRIPLES
from digigov_lod.release import Release, serialize
from digigov_lod.shacl_queries import _TYPED_LITERAL, QueryGraph, _typed_literals

SCHEMA = Namespace("https://schema.org/")
THING = URIRef("https://w3id.org/digigov-lod/id/person/lena-micko")


def _copies(graph: Graph) -> tuple[QueryGraph, QueryGraph]:
    fast, slow = QueryGraph(graph, serialize(graph, NTRIPLES)), QueryGraph(graph)
    return fast, slow


def test_the_real_knowledge_graph_is_loaded_from_its_n_triples(release: Release) -> None:
    graph = release.load_graph()
    fast, slow = _copies(graph)
    assert fast.literals_differ() is slow.literals_differ() is False
    assert not fast._terms.to_ox, "the copy was made term by term"
    assert fast._terms.typed_literals == slow._terms.typed_literals
    assert set(fast._oxigraph()) == set(slow._oxigraph())
    query = "SELECT ?s ?date WHERE { ?s <https://schema.org/startDate> ?date }"
    assert sorted(map(str, map(dict.values, fast.select_rows(query)))) == sorted(
        map(str, map(dict.values, slow.select_rows(query)))
    )


@pytest.mark.parametrize(
    "literal",
    [
        Literal("Lena Micko", datatype=XSD.string),  # one term with the plain literal in Oxigraph
        Literal("Lena Micko", lang="sv-SE"),  # Oxigraph lower-cases the tag
        Literal("not a date", datatype=XSD.date),  # ill-typed
    ],
    ids=["explicit-xsd-string", "capital-language-tag", "ill-typed"],
)
def test_literals_oxigraph_reads_otherwise_are_copied_term_by_term(literal: Literal) -> None:
    graph = Graph()
    graph.add((THING, SCHEMA.name, Literal("Lena Micko")))
    graph.add((THING, SCHEMA.alternateName, literal))
    fast, slow = _copies(graph)
    assert fast.literals_differ() is slow.literals_differ() is True
    assert fast._terms.to_ox, "the N-Triples were loaded although a literal reads otherwise"


def test_typed_literals_are_found_in_the_text() -> None:
    graph = Graph()
    graph.add((THING, SCHEMA.birthDate, Literal("1955-04-26", datatype=XSD.date)))
    graph.add((THING, SCHEMA.description, Literal('a "quoted" ^^<not a literal> text')))
    graph.add((THING, SCHEMA.position, Literal(3)))
    fast, slow = _copies(graph)
    assert fast.literals_differ() is slow.literals_differ() is False
    assert not fast._terms.to_ox
    assert fast._terms.typed_literals == slow._terms.typed_literals and len(fast._terms.typed_literals) == 2


@pytest.mark.parametrize(
    "literal",
    [
        Literal('a quote before a datatype-like text: "^^<x>'),  # "^^< inside a plain string
        Literal('typed, with "^^<x> inside', datatype=XSD.token),  # ... and inside a typed one
        Literal("line\nbreak", datatype=XSD.token),
        Literal("1955-04-26", datatype=XSD.date),
    ],
    ids=["inside-plain", "inside-typed", "escaped-newline", "plain-date"],
)
def test_typed_literals_found_by_search_are_the_regular_expressions(literal: Literal) -> None:
    graph = Graph()
    graph.add((THING, SCHEMA.position, Literal(3)))
    graph.add((THING, SCHEMA.description, literal))
    ntriples = serialize(graph, NTRIPLES)
    assert _typed_literals(ntriples) == set(_TYPED_LITERAL.findall(ntriples))
