"""The SPARQL 1.1 Protocol through real HTTP, with real clients (SPARQLWrapper, rdflib SPARQLStore)."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from support import TEST_MAX_ROWS, TEST_QUERY_TIMEOUT_S, LiveServer

PEOPLE = """PREFIX schema: <https://schema.org/>
SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name }
ORDER BY ?name"""

NAMES_CONSTRUCT = (
    "PREFIX schema: <https://schema.org/> CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
)


def _expected_people(release) -> set[tuple[str, str]]:
    graph = release.load_graph()
    return {(str(r.person), str(r.name)) for r in graph.query(PEOPLE)}


@pytest.fixture(scope="module")
def expected_people(release) -> set[tuple[str, str]]:
    people = _expected_people(release)
    assert len(people) >= 10, "the report names more than ten people"
    return people


def _wrapper(server: LiveServer, return_format: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(PEOPLE)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(live_server: LiveServer, expected_people: set, method: str) -> None:
    result = _wrapper(live_server, JSON, method).queryAndConvert()
    rows = {(b["person"]["value"], b["name"]["value"]) for b in result["results"]["bindings"]}
    assert rows == expected_people


def test_sparqlwrapper_xml(live_server: LiveServer, expected_people: set) -> None:
    document = _wrapper(live_server, XML).queryAndConvert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    rows = set()
    for result in document.getElementsByTagName("result"):
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.nodeValue for b in result.getElementsByTagName("binding")
        }
        rows.add((values["person"], values["name"]))
    assert rows == expected_people, ns


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(live_server: LiveServer, expected_people: set, fmt: str, delimiter: str) -> None:
    body = _wrapper(live_server, fmt).queryAndConvert()
    quoting = csv.QUOTE_NONE if fmt == TSV else csv.QUOTE_MINIMAL
    reader = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter, quoting=quoting))
    if fmt == TSV:
        assert reader[0] == ["?person", "?name"]
        rows = {(p.strip("<>"), json.loads(n.rsplit("@", 1)[0])) for p, n in reader[1:]}
    else:
        assert reader[0] == ["person", "name"]
        rows = {(p, n) for p, n in reader[1:]}
    assert rows == expected_people


def test_sparqlwrapper_construct_as_rdf(live_server: LiveServer, release) -> None:
    client = SPARQLWrapper(live_server.url + "sparql")
    client.setQuery(NAMES_CONSTRUCT)
    client.setReturnFormat("turtle")
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    expected = release.load_graph().query(NAMES_CONSTRUCT).graph
    assert set(graph) == set(expected)


def test_rdflib_sparqlstore(live_server: LiveServer, expected_people: set) -> None:
    store = SPARQLStore(live_server.url + "sparql", returnFormat="xml")
    rows = {(str(r[0]), str(r[1])) for r in store.query(PEOPLE)}
    assert rows == expected_people
    assert store.query("ASK { ?s ?p ?o }").askAnswer is True


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ],
)
def test_result_format_by_accept(live_server: LiveServer, accept: str, media: str) -> None:
    response = requests.get(live_server.url + "sparql", params={"query": PEOPLE}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media)
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("param", ["format", "output"])
def test_result_format_by_parameter(live_server: LiveServer, param: str) -> None:
    response = requests.get(live_server.url + "sparql", params={"query": PEOPLE, param: "csv"})
    assert response.headers["Content-Type"].startswith("text/csv")


def test_html_results_link_iris_to_local_pages(live_server: LiveServer) -> None:
    response = requests.get(live_server.url + "sparql", params={"query": PEOPLE, "format": "html"})
    assert 'href="' + live_server.url + "id/person/" in response.text


def test_construct_formats(live_server: LiveServer) -> None:
    query = "CONSTRUCT WHERE { ?s a <https://schema.org/Person> }"
    counts = set()
    for media, name in [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ]:
        response = requests.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": media})
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
        counts.add(len(Graph().parse(data=response.content, format=name)))
    assert len(counts) == 1 and counts.pop() >= 10


def test_post_forms(live_server: LiveServer, expected_people: set) -> None:
    url = live_server.url + "sparql"
    accept = {"Accept": "application/sparql-results+json"}
    direct = requests.post(url, data=PEOPLE.encode(), headers={**accept, "Content-Type": "application/sparql-query"})
    form = requests.post(url, data={"query": PEOPLE}, headers=accept)
    chunked = requests.post(  # a generator makes requests send Transfer-Encoding: chunked
        url, data=(part.encode() for part in (PEOPLE[:40], PEOPLE[40:])),
        headers={**accept, "Content-Type": "application/sparql-query"},
    )  # fmt: skip
    assert chunked.request.headers.get("Transfer-Encoding") == "chunked"
    for response in (direct, form, chunked):
        assert response.status_code == 200
        rows = {(b["person"]["value"], b["name"]["value"]) for b in response.json()["results"]["bindings"]}
        assert rows == expected_people


def test_default_and_named_graph_parameters(live_server: LiveServer, release) -> None:
    kg = release.base_iri + "graph/knowledge-graph"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = requests.get(
        live_server.url + "sparql",
        params={"query": count, "default-graph-uri": kg},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == release.manifest["triples"]
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(
        live_server.url + "sparql",
        params={"query": named, "named-graph-uri": kg},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [kg]


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"method": "POST", "data": {"default-graph-uri": "x"}}, 400, "No query"),
        ({"method": "GET", "params": {"query": ""}}, 400, "empty"),
        ({"method": "GET", "params": {}, "headers": {"Accept": "application/sparql-results+json"}}, 400, "No query"),
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "syntax"),
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s foo:bar ?o }"}}, 400, "foo"),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than once"),
        ({"method": "POST", "data": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "Content-Type"),
        (
            {
                "method": "POST",
                "data": "INSERT DATA { <a:a> <a:b> <a:c> }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            400,
            "read-only",
        ),
        ({"method": "POST", "data": {"update": "DROP ALL"}}, 400, "read-only"),
        ({"method": "GET", "params": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}}, 400, "read-only"),
        (
            {"method": "GET", "params": {"query": "ASK { ?s ?p ?o }"}, "headers": {"Accept": "image/png"}},
            406,
            "acceptable",
        ),
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 200_000}}, 413, "limit"),
    ],
    ids=[
        "missing",
        "empty",
        "get-without-query",
        "syntax",
        "unknown-prefix",
        "two-queries",
        "content-type",
        "update-body",
        "update-param",
        "load",
        "not-acceptable",
        "too-large",
    ],
)
def test_bad_requests_get_readable_errors(live_server: LiveServer, kwargs: dict, status: int, words: str) -> None:
    kwargs = {**kwargs}
    method = kwargs.pop("method")
    if status == 413 and method == "GET":  # too long for a URL: send it as a form
        method, kwargs = "POST", {"data": kwargs["params"]}
    response = requests.request(method, live_server.url + "sparql", **kwargs)
    assert response.status_code == status, response.text
    assert words.lower() in response.text.lower()
    assert "Traceback" not in response.text


def test_service_never_reaches_the_network(live_server: LiveServer) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.5)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = requests.get(live_server.url + "sparql", params={"query": query})
        assert response.status_code == 400 and "SERVICE" in response.text
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


@pytest.mark.parametrize("accept", ["text/turtle", "*/*"])
def test_service_description(live_server: LiveServer, accept: str) -> None:
    response = requests.get(live_server.url + "sparql", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (None, URIRef(sd + "resultFormat"), URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph


def test_query_page_for_browsers(live_server: LiveServer) -> None:
    response = requests.get(live_server.url + "sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "<textarea" in response.text
    assert "/sparql/examples/" in response.text


def test_cors_and_preflight(live_server: LiveServer) -> None:
    preflight = requests.options(
        live_server.url + "sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    response = requests.post(
        live_server.url + "sparql", data={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Rows" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Methods" not in response.headers  # preflight-only headers stay on OPTIONS
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_head_and_304(live_server: LiveServer) -> None:
    url = live_server.url + "sparql"
    first = requests.get(url, params={"query": PEOPLE})
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    head = requests.head(url, params={"query": PEOPLE})
    assert head.status_code == 200 and head.headers["ETag"] == first.headers["ETag"] and not head.content
    again = requests.get(url, params={"query": PEOPLE}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content
    other = requests.get(url, params={"query": PEOPLE + " LIMIT 1"})
    assert other.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("path", ["sparql?query=" + PEOPLE.replace(" ", "%20"), "", "doc/event/digigov-2017"])
def test_a_replayed_answer_equals_the_first(live_server: LiveServer, path: str) -> None:
    """The second and later answers come from the server's memory: the same status, headers and bytes."""
    with requests.Session() as session:  # one keep-alive connection reaches one process
        answers = [session.get(live_server.url + path, headers={"Accept-Language": "en"}) for _ in range(3)]
    first = answers[0]
    assert first.status_code == 200 and first.headers["ETag"]
    for later in answers[1:]:
        assert later.status_code == 200 and later.content == first.content
        assert {k.lower(): v for k, v in later.headers.items() if k.lower() != "date"} == {
            k.lower(): v for k, v in first.headers.items() if k.lower() != "date"
        }
        assert "Date" in later.headers


def test_truncation_is_explicit(live_server: LiveServer) -> None:
    query = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 100000"
    response = requests.get(
        live_server.url + "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"].startswith("true")
    document = response.json()
    assert document["truncated"] is True
    assert len(document["results"]["bindings"]) == TEST_MAX_ROWS
    small = requests.get(live_server.url + "sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
    assert "X-Result-Truncated" not in small.headers


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_runaway_query_is_stopped_while_others_are_served(live_server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = requests.get(live_server.url + "sparql", params={"query": RUNAWAY}, timeout=60)
        outcome["status"], outcome["text"], outcome["seconds"] = (
            response.status_code,
            response.text,
            time.monotonic() - started,
        )

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    latencies = []
    for i in range(5):  # a second client: distinct queries, so no answer comes from the cache
        started = time.monotonic()
        response = requests.get(live_server.url + "sparql", params={"query": f"ASK {{ ?s ?p {i} }}"}, timeout=10)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
    thread.join(timeout=60)
    assert outcome["status"] == 503
    assert "stopped" in str(outcome["text"])
    assert TEST_QUERY_TIMEOUT_S <= float(outcome["seconds"]) < TEST_QUERY_TIMEOUT_S + 5  # type: ignore[arg-type]
    assert max(latencies) < TEST_QUERY_TIMEOUT_S, latencies
    # and the endpoint still works afterwards
    assert requests.get(live_server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_literal_values_survive_http(live_server: LiveServer) -> None:
    query = 'SELECT ?x WHERE { BIND("Öppna råd \\"citat\\""@sv AS ?x) }'
    response = requests.get(live_server.url + "sparql", params={"query": query, "format": "xml"})
    parsed = Result.parse(io.BytesIO(response.content), format="xml")
    assert next(iter(parsed))[0] == Literal('Öppna råd "citat"', lang="sv")


def test_html_results_differ_by_language_and_say_so(live_server: LiveServer) -> None:
    params = {"query": PEOPLE, "format": "html"}
    sv = requests.get(live_server.url + "sparql", params=params, headers={"Accept-Language": "sv"})
    en = requests.get(live_server.url + "sparql", params=params, headers={"Accept-Language": "en"})
    assert sv.headers["ETag"] != en.headers["ETag"]
    assert "Accept-Language" in sv.headers["Vary"]
    weak = requests.get(
        live_server.url + "sparql",
        params=params,
        headers={"Accept-Language": "sv", "If-None-Match": "W/" + sv.headers["ETag"]},
    )
    assert weak.status_code == 304
    star = requests.get(
        live_server.url + "sparql", params=params, headers={"Accept-Language": "sv", "If-None-Match": "*"}
    )
    assert star.status_code == 304


def test_construct_turtle_declares_only_the_prefixes_it_uses(live_server: LiveServer) -> None:
    query = "CONSTRUCT WHERE { <https://w3id.org/digigov-lod/id/person/lena-micko> <https://schema.org/name> ?n }"
    text = requests.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": "text/turtle"}).text
    declared = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == sorted(declared) and set(declared) == {"person:", "schema:"}


def test_a_bad_query_from_a_browser_comes_back_in_the_editor(live_server: LiveServer) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o . FILTER( }"
    page = requests.get(
        live_server.url + "sparql", params={"query": query}, headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    assert page.status_code == 400 and page.headers["Content-Type"].startswith("text/html")
    assert "The query could not be run" in page.text and "syntax error" in page.text
    assert "FILTER( }</textarea>" in page.text
    plain = requests.get(live_server.url + "sparql", params={"query": query})
    assert plain.status_code == 400 and not plain.headers["Content-Type"].startswith("text/html")


def test_language_links_keep_a_posted_query(live_server: LiveServer) -> None:
    page = requests.post(
        live_server.url + "sparql", data={"query": PEOPLE, "format": "html"}, headers={"Accept-Language": "en"}
    )
    assert page.status_code == 200
    assert 'href="/sparql?query=PREFIX+schema' in page.text and "lang=sv" in page.text
