"""The RDF dataset a query runs against (SPARQL 1.1 Protocol §2.1.4), over real HTTP.

- neither the query nor the protocol names a dataset: the default graph is the union of the named graphs;
- the query's FROM / FROM NAMED: exactly those graphs;
- default-graph-uri / named-graph-uri: they override the query's dataset clause, and the part not given is empty.
"""

from __future__ import annotations

import pytest
import requests
from support import LiveServer

from digigov_lod.sparql.dataset import NAMED_GRAPHS, build_engine, build_service

COUNT = "SELECT (COUNT(*) AS ?n) {from_} WHERE {{ ?s ?p ?o }}"
GRAPHS = "SELECT DISTINCT ?g {from_} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} ORDER BY ?g"


def _lines(release, name: str) -> int:  # type: ignore[no-untyped-def]
    source = next(g.source_file for g in NAMED_GRAPHS if g.name == name)
    return sum(1 for line in (release.path / source).read_bytes().splitlines() if line.strip())


def _select(server: LiveServer, query: str, **params: str | list[str]) -> list[str]:
    response = requests.get(
        server.url + "sparql",
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    document = response.json()
    return [b[document["head"]["vars"][0]]["value"] for b in document["results"]["bindings"]]


def _count(server: LiveServer, query: str, **params: str | list[str]) -> int:
    return int(_select(server, query, **params)[0])


@pytest.fixture(scope="module")
def graph(release):  # type: ignore[no-untyped-def]
    return lambda name: f"{release.base_iri}graph/{name}"


def test_from_selects_that_graph_only(live_server: LiveServer, release, graph) -> None:  # type: ignore[no-untyped-def]
    void = _count(live_server, COUNT.format(from_=f"FROM <{graph('void')}>"))
    assert void == _lines(release, "void")
    both = _count(live_server, COUNT.format(from_=f"FROM <{graph('void')}> FROM <{graph('catalog')}>"))
    assert both == _lines(release, "void") + _lines(release, "catalog")
    union = _count(live_server, COUNT.format(from_=""))
    assert union > both


def test_from_named_alone_leaves_the_default_graph_empty(live_server: LiveServer, graph) -> None:  # type: ignore[no-untyped-def]
    assert _count(live_server, COUNT.format(from_=f"FROM NAMED <{graph('catalog')}>")) == 0
    assert _select(live_server, GRAPHS.format(from_=f"FROM NAMED <{graph('catalog')}>")) == [graph("catalog")]
    assert _select(live_server, GRAPHS.format(from_=f"FROM <{graph('catalog')}>")) == []  # FROM alone: no named graphs


def test_protocol_named_graphs_alone_leave_the_default_graph_empty(live_server: LiveServer, graph) -> None:  # type: ignore[no-untyped-def]
    assert _count(live_server, COUNT.format(from_=""), **{"named-graph-uri": graph("void")}) == 0


def test_protocol_default_graphs_alone_leave_no_named_graphs(live_server: LiveServer, release, graph) -> None:  # type: ignore[no-untyped-def]
    params = {"default-graph-uri": graph("void")}
    assert _count(live_server, COUNT.format(from_=""), **params) == _lines(release, "void")
    assert _select(live_server, GRAPHS.format(from_=""), **params) == []


def test_protocol_dataset_overrides_the_query_dataset(live_server: LiveServer, release, graph) -> None:  # type: ignore[no-untyped-def]
    query = COUNT.format(from_=f"FROM <{graph('knowledge-graph')}>")
    assert _count(live_server, query, **{"default-graph-uri": graph("void")}) == _lines(release, "void")
    named = GRAPHS.format(from_=f"FROM NAMED <{graph('knowledge-graph')}>")
    assert _select(live_server, named, **{"named-graph-uri": graph("catalog")}) == [graph("catalog")]


def test_without_any_dataset_the_default_graph_is_the_union(live_server: LiveServer, graph) -> None:  # type: ignore[no-untyped-def]
    person = "ASK { ?s a <https://schema.org/Person> }"
    dataset = "ASK { ?s a <http://rdfs.org/ns/void#Dataset> }"
    assert _select_ask(live_server, person) and _select_ask(live_server, dataset)
    assert sorted(_select(live_server, GRAPHS.format(from_=""))) == sorted(graph(g.name) for g in NAMED_GRAPHS)


def test_the_default_graph_is_a_merge_without_duplicates(live_server: LiveServer, release) -> None:  # type: ignore[no-untyped-def]
    lines: set[bytes] = set()
    for named in NAMED_GRAPHS:
        lines |= {line for line in (release.path / named.source_file).read_bytes().splitlines() if line.strip()}
    assert _count(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == len(lines)


def _select_ask(server: LiveServer, query: str) -> bool:
    response = requests.get(server.url + "sparql", params={"query": query, "format": "json"})
    return bool(response.json()["boolean"])


def test_build_service_answers_turtle_with_the_site_prefixes(release, project_settings) -> None:  # type: ignore[no-untyped-def]
    service = build_service(release, project_settings, build_engine(release, project_settings, pool_size=1))
    try:
        query = "CONSTRUCT WHERE { ?s a <https://schema.org/Person> }"
        answer = service.answer(query, service.plan(query), "ttl")
    finally:
        service.pool.close()
    assert b"@prefix schema: <https://schema.org/>" in answer.body
