"""The endpoint's answers to hard cases, over real HTTP: queries that ran out of time, engine faults,
huge HTML results, the service description's figures and explicit formats."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import VOID
from support import TEST_QUERY_TIMEOUT_S, LiveServer, start_server

from digigov_lod.sparql.dataset import NAMED_GRAPHS
from digigov_lod.web.sparql_views import HTML_MAX_ROWS

BIG_ROWS = 2000  # the dedicated server's row limit, so that an answer can exceed HTML_MAX_ROWS


@pytest.fixture(scope="module")
def big_server(release) -> Iterator[LiveServer]:
    server = start_server(release.path, DIGIGOV_MAX_RESULT_ROWS=str(BIG_ROWS))
    yield server
    server.stop()


def test_a_timed_out_query_is_refused_at_once(live_server: LiveServer) -> None:
    runaway = "SELECT (COUNT(*) AS ?x) WHERE { ?q ?w ?e . ?r ?t ?y . ?u ?i ?o . ?p ?a ?s . ?d ?f ?g }"
    url = live_server.url + "sparql"
    first = requests.get(url, params={"query": runaway}, timeout=60)
    assert first.status_code == 503 and "Retry-After" not in first.headers  # retrying would not help
    for fmt in ("json", "csv"):
        started = time.monotonic()
        again = requests.get(url, params={"query": runaway, "format": fmt}, timeout=60)
        assert time.monotonic() - started < TEST_QUERY_TIMEOUT_S / 2, "answered without running the query"
        assert again.status_code == 503 and "Retry-After" not in again.headers
        assert "stopped" in again.text and "Not run" in again.text
    assert requests.get(url, params={"query": "ASK { ?s ?p 'retry' }"}).status_code == 200


def _engine_pids(root: int) -> list[int]:
    """The engine processes below ``root`` (gunicorn master → worker → engines)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            todo.append(child)
            try:
                if Path(f"/proc/{child}/comm").read_text().strip() == "sparql-worker":
                    found.append(child)
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the engine processes")
def test_killed_engines_cost_no_client_an_error(big_server: LiveServer) -> None:
    """More in test_http_engine_failures.py: the pool never hands out a dead engine."""
    url = big_server.url + "sparql"
    assert requests.get(url, params={"query": "ASK { ?s ?p 'warm' }"}).status_code == 200
    engines = _engine_pids(big_server.process.pid)
    assert engines, "the engines run below the server"
    for pid in engines:  # the engines of the server this module started
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    for attempt in range(5):
        response = requests.get(url, params={"query": f"ASK {{ ?s ?p 'after the crash {attempt}' }}"}, timeout=30)
        assert response.status_code == 200, response.text


def test_html_results_show_the_first_rows_and_link_the_full_result(big_server: LiveServer) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1200"
    english = {"Accept-Language": "en"}
    response = requests.get(big_server.url + "sparql", params={"query": query, "format": "html"}, headers=english)
    assert response.status_code == 200
    assert response.text.count("<tr>") == HTML_MAX_ROWS + 1  # the header row and the rows shown
    assert f"Only the first {HTML_MAX_ROWS} of 1200 rows are shown" in response.text
    notice = response.text.split("partial-result", 1)[1].split("</p>", 1)[0]
    links = [part.split('"', 1)[0].replace("&amp;", "&") for part in notice.split('href="')[1:]]
    assert [parse_qs(urlparse(link).query)["format"] for link in links] == [["csv"], ["json"]]
    full = requests.get(urljoin(big_server.url, links[0]))
    assert full.headers["Content-Type"].startswith("text/csv") and len(full.text.splitlines()) == 1201
    posted = requests.post(big_server.url + "sparql", data={"query": query, "format": "html"})  # Swedish
    assert f"de första {HTML_MAX_ROWS} av 1200 raderna" in posted.text and "format=csv" in posted.text
    small = requests.get(big_server.url + "sparql", params={"query": query.replace("1200", "20"), "format": "html"})
    assert "partial-result" not in small.text and small.text.count("<tr>") == 21


def test_examples_list_honours_an_explicit_format(live_server: LiveServer) -> None:
    response = requests.get(
        live_server.url + "sparql/examples", params={"format": "json"}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    assert response.json()[0]["query"]
    page = requests.get(live_server.url + "sparql/examples", params={"format": "html"}, headers={"Accept": "text/csv"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")


def test_service_description_counts_the_default_graph_once(live_server: LiveServer, release) -> None:
    response = requests.get(live_server.url + "sparql", headers={"Accept": "text/turtle"})
    described = Graph().parse(data=response.text, format="turtle")
    default = URIRef(live_server.url + "sparql#default-graph")  # the description is about the URL used
    triples = [int(o) for o in described.objects(default, VOID.triples)]
    distinct = set()
    for g in NAMED_GRAPHS:
        distinct.update(line for line in (release.path / g.source_file).read_bytes().splitlines() if line.strip())
    assert triples == [len(distinct)]
    total = sum(len((release.path / g.source_file).read_bytes().splitlines()) for g in NAMED_GRAPHS)
    assert len(distinct) < total, "some triples are in two graphs: the sum would count them twice"
