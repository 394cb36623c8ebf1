"""Comunica, a federated SPARQL client for JavaScript, queries the endpoint as one of its sources.

Comunica negotiates results with q-values, sends the query as GET or POST as it sees fit, and
parses the answers with its own SPARQL JSON/XML parsers, so this checks the endpoint as a client
of the wider Linked Data world uses it. All queries run in one node process (tests/js/comunica_query.mjs).
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from support import PROJECT_ROOT, LiveServer, run_node_json

from digigov_lod.sparql.examples import load_examples

EXAMPLES = load_examples()
SCRIPT = PROJECT_ROOT / "tests" / "js" / "comunica_query.mjs"
EVENT = "https://schema.org/Event"
EXTRA_QUERIES = {
    "ask-yes": f"ASK {{ ?event a <{EVENT}> }}",
    "ask-no": "ASK { ?s a <https://schema.org/Spaceship> }",
    "construct": (
        "CONSTRUCT { ?event <https://schema.org/name> ?name } "
        f"WHERE {{ ?event a <{EVENT}> ; <https://schema.org/name> ?name }}"
    ),
    "service": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "too-large": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "' + "x" * 120_000 + '") }',
}


@cache
def comunica_answers(endpoint: str) -> dict[str, dict]:
    queries = {q.id: q.text for q in EXAMPLES} | EXTRA_QUERIES
    return run_node_json(SCRIPT, {"endpoint": endpoint, "queries": queries}, package="@comunica/query-sparql")


def rdflib_term(term: dict) -> Node:
    if term["type"] == "NamedNode":
        return URIRef(term["value"])
    if term["type"] == "BlankNode":
        return BNode()
    if term.get("language"):
        return Literal(term["value"], lang=term["language"])
    if term["datatype"] == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term["value"])  # RDF 1.1: a plain literal is an xsd:string; rdflib keeps them apart
    return Literal(term["value"], datatype=URIRef(term["datatype"]))


def comparable(term: Node | None) -> object:
    """Blank node labels differ between engines; any other term compares as itself."""
    if term is None or isinstance(term, BNode):
        return None if term is None else "_:b"
    if isinstance(term, Literal) and term.datatype is None and term.language is None:
        return Literal(str(term), datatype=URIRef("http://www.w3.org/2001/XMLSchema#string"))
    return term


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.id for q in EXAMPLES])
def test_every_example_answers_in_comunica_as_in_rdflib(live_server: LiveServer, union_graph: Graph, example) -> None:
    answer = comunica_answers(live_server.url + "sparql")[example.id]
    assert "error" not in answer, answer.get("error")
    expected = union_graph.query(example.text)
    names = [str(v) for v in expected.vars]
    want = Counter(tuple(comparable(value) for value in row) for row in expected)
    got = Counter(
        tuple(comparable(rdflib_term(row[n]) if n in row else None) for n in names) for row in answer["bindings"]
    )
    assert got == want


def test_ask_and_construct_through_comunica(live_server: LiveServer, union_graph: Graph) -> None:
    answers = comunica_answers(live_server.url + "sparql")
    assert answers["ask-yes"] == {"boolean": True}
    assert answers["ask-no"] == {"boolean": False}
    got = {tuple(rdflib_term(t) for t in quad) for quad in answers["construct"]["quads"]}
    want = set(union_graph.query(EXTRA_QUERIES["construct"]))
    assert got == want and len(got) > 10
    assert any(o.language == "sv" for _, _, o in got) and any(o.language == "en" for _, _, o in got)


def test_refusals_reach_comunica_users_as_readable_errors(live_server: LiveServer) -> None:
    answers = comunica_answers(live_server.url + "sparql")
    assert "never fetches data from other servers" in answers["service"]["error"]
    assert "HTTP status 413" in answers["too-large"]["error"]
    assert "bytes" in answers["too-large"]["error"]
