"""Issue 9's query findings, against the production server (gunicorn as ``make run`` starts it).

- SERVICE glued to the token before it is refused by the guard (the engine's network namespace is
  a second wall; these tests show the first one holds by itself: the answer is the guard's 400).
- Queries nested or chained past the engine's stack are refused with a 400, and the engine lives on.
- Text that is not UTF-8 is refused, not silently repaired and run.
- A graph name the dataset does not hold is an empty graph, and the client is told so.
- The service description names the endpoint the client used.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from support import LiveServer

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """Something on 127.0.0.1 a fetch would reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    yield server
    server.close()


def _nobody_connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


@pytest.mark.parametrize(
    "glued",
    ["?s ?p 1SERVICE", "?s ?p trueSERVICE", "?s ?p 1e5service", '?s ?p "x"SERVICE', "?s ?p <http://e/o>SERVICE",
     "FILTER(true)SeRvIcE", "?s ?p ex:a.b.SERVICE"],
)  # fmt: skip
def test_glued_service_is_refused_by_the_guard(live_server: LiveServer, listener: socket.socket, glued: str) -> None:
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    query = f"PREFIX ex: <http://e/> SELECT * WHERE {{ {glued} <{target}> {{ ?a ?b ?c }} }}"
    answer = requests.get(live_server.url + "sparql", params={"query": query}, headers=JSON, timeout=10)
    assert answer.status_code == 400
    assert "SERVICE is not supported" in answer.json()["message"]
    assert _nobody_connected(listener)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{ " * 3000 + "}" * 3000,
        "SELECT * WHERE { " + "{ SELECT * WHERE { " * 1500 + "?s ?p ?o" + " } }" * 1500 + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "?o" + ")" * 10_000 + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 10_000 + "?o) }",
    ],
    ids=["braces", "sub-selects", "parentheses", "negations"],
)
def test_deep_nesting_is_refused_before_it_reaches_the_engine(live_server: LiveServer, query: str) -> None:
    answer = requests.post(live_server.url + "sparql", data={"query": query}, headers=JSON, timeout=30)
    assert answer.status_code == 400, answer.text
    assert "at most" in answer.json()["message"]
    follow_up = requests.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert follow_up.status_code == 200 and follow_up.json()["boolean"] is True


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"url_suffix": "?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"}),
        ("POST", {"data": b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%C3%28%22%20%7D",
                  "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
        ("POST", {"data": b'ASK { ?s ?p "\xe9t\xe9" }', "headers": {"Content-Type": "application/sparql-query"}}),
    ],
    ids=["url", "form", "body"],
)  # fmt: skip
def test_text_that_is_not_utf8_is_refused(live_server: LiveServer, method: str, kwargs: dict) -> None:
    kwargs = dict(kwargs)
    url = live_server.url + "sparql" + kwargs.pop("url_suffix", "")
    answer = requests.request(method, url, **kwargs, timeout=10)
    assert answer.status_code == 400, answer.text
    assert "not valid UTF-8" in answer.text


def test_valid_utf8_still_runs(live_server: LiveServer) -> None:
    query = 'ASK { ?s ?p ?o FILTER(?o != "Föreningen Sambruk – 2017") }'
    answer = requests.post(
        live_server.url + "sparql",
        data=query.encode("utf-8"),
        headers={**JSON, "Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_a_graph_the_dataset_lacks_is_empty_and_named_in_the_answer(
    live_server: LiveServer, listener: socket.socket
) -> None:
    remote = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    for params in (
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": remote},
        {"query": f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}"},
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": remote},
    ):
        answer = requests.get(live_server.url + "sparql", params=params, headers=JSON, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"] == []
        assert answer.headers["X-Unknown-Graphs"] == f"<{remote}>"
        assert "X-Unknown-Graphs" in answer.headers["Access-Control-Expose-Headers"]
    page = requests.get(
        live_server.url + "sparql",
        params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": remote, "format": "html"},
        headers={"Accept-Language": "sv"},
    )
    assert page.status_code == 200
    assert "ingen graf i den här datamängden, så den lästes som en tom graf" in page.text
    assert _nobody_connected(listener)


def test_the_dataset_own_graphs_raise_no_note(live_server: LiveServer) -> None:
    known = live_server.base + "graph/knowledge-graph"
    answer = requests.get(
        live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": known}, headers=JSON
    )
    assert answer.json()["boolean"] is True and "X-Unknown-Graphs" not in answer.headers


@pytest.mark.parametrize("host", [None, "localhost", "data.example.org:8443"])
def test_service_description_names_the_endpoint_the_client_used(live_server: LiveServer, host: str | None) -> None:
    headers = {"Accept": "text/turtle"} | ({"Host": host} if host else {})
    answer = requests.get(live_server.url + "sparql", headers=headers, timeout=10)
    assert answer.status_code == 200
    description = Graph().parse(data=answer.text, format="turtle")
    used = f"http://{host}/sparql" if host else live_server.url + "sparql"
    assert list(description.objects(None, SD.endpoint)) == [URIRef(used)]


def test_relative_iris_resolve_against_the_dataset_base(live_server: LiveServer) -> None:
    """As the W3C protocol tests expect (CONSTRUCT { <s> <p> 1 }), and handy: <id/…> names a thing."""
    query = "SELECT ?type WHERE { <id/event/digigov-2017> a ?type }"
    answer = requests.get(live_server.url + "sparql", params={"query": query}, headers=JSON)
    assert answer.status_code == 200
    types = {b["type"]["value"] for b in answer.json()["results"]["bindings"]}
    assert "https://schema.org/Event" in types or "https://schema.org/BusinessEvent" in types, types


def test_a_charset_other_than_utf8_is_refused(live_server: LiveServer) -> None:
    answer = requests.post(
        live_server.url + "sparql",
        data="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert answer.status_code == 400 and "charset=utf-16 is not supported" in answer.text


def test_common_prefixes_need_no_declaration_and_a_query_own_prefix_wins(live_server: LiveServer) -> None:
    bare = "SELECT ?name WHERE { event:digigov-2017 schema:name ?name }"
    answer = requests.get(live_server.url + "sparql", params={"query": bare}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"]["bindings"], "event: and schema: are declared for every query"
    own = "PREFIX schema: <http://example.org/nothing/> ASK { ?s schema:name ?name }"
    assert requests.get(live_server.url + "sparql", params={"query": own}, headers=JSON).json()["boolean"] is False


def test_the_guard_knows_the_predeclared_prefixes(live_server: LiveServer) -> None:
    """sd:Service and dcat:DataService are names, not SERVICE clauses, with or without a PREFIX line."""
    query = "SELECT ?s WHERE { { ?s a dcat:DataService } UNION { ?s a sd:Service } }"
    answer = requests.get(live_server.url + "sparql", params={"query": query}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"]["bindings"], "the catalog describes the endpoint as a dcat:DataService"


def test_the_prefixes_are_listed_in_the_service_description_and_on_the_query_page(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "sparql", headers={"Accept": "text/turtle"})
    description = Graph().parse(data=answer.text, format="turtle")
    sh = Namespace("http://www.w3.org/ns/shacl#")
    declared = {str(description.value(d, sh.prefix)): str(description.value(d, sh.namespace))
                for d in description.objects(None, sh.declare)}  # fmt: skip
    assert declared["schema"] == "https://schema.org/" and declared["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert "dgv" in declared and "person" in declared
    page = requests.get(live_server.url + "sparql", headers={"Accept": "text/html"})
    assert "<code>schema:</code>" in page.text and "<code>https://schema.org/</code>" in page.text
