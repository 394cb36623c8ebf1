"""The vocabulary page: every class and property of the data, with counts and a query that runs."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests
from support import LiveServer


@pytest.fixture(scope="module")
def page(live_server: LiveServer) -> str:
    answer = requests.get(live_server.url + "vocabulary", headers={"Accept-Language": "en"}, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Language"] == "en"
    return answer.text


def _rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr id="([^"]+)">(.*?)</tr>', page, re.DOTALL))


def test_every_class_and_property_of_the_data_is_listed_with_its_count(
    live_server: LiveServer, page: str, union_graph
) -> None:
    rows = _rows(page)
    query = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH <%sgraph/knowledge-graph> { ?s ?p ?o } }"
    answer = requests.get(
        live_server.url + "sparql",
        params={"query": query % live_server.base},
        headers={"Accept": "application/sparql-results+json"},
    )
    properties = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    assert sum(1 for anchor in rows if anchor.startswith("property-")) == properties
    people = rows["class-schema-Person"]
    count = re.search(r'<td class="count">(\d+)</td>', people)
    assert count and int(count.group(1)) == 11  # the report names eleven people


def test_each_ready_made_query_runs_and_finds_something(live_server: LiveServer, page: str) -> None:
    links = [unescape(link) for link in re.findall(r'<a href="(/sparql\?[^"]+)"', page)]
    assert len(links) > 50
    for link in links:
        answer = requests.get(live_server.url + link.lstrip("/").replace("format=html", "format=json"), timeout=30)
        assert answer.status_code == 200, (link, answer.text[:200])
        assert answer.json()["results"]["bindings"], link


def test_swedish_readers_get_swedish_headings(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "vocabulary", headers={"Accept-Language": "sv"})
    assert "Klasser" in answer.text and "Egenskaper" in answer.text and "Classes" not in answer.text


def test_the_query_page_links_the_vocabulary(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "sparql", headers={"Accept": "text/html"})
    assert 'href="/vocabulary"' in answer.text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_fragment_link_on_the_void_page_lands_on_an_element(live_server: LiveServer, lang: str) -> None:
    page = requests.get(live_server.url + ".well-known/void", headers={"Accept": "text/html", "Accept-Language": lang})
    assert page.status_code == 200
    links = {unescape(href) for href in re.findall(r'href="([^"]*#[^"]+)"', page.text)}
    links = {link.removeprefix(live_server.url[:-1]) for link in links}
    links = {link for link in links if link.startswith("/")}  # links to other sites' vocabularies aside
    assert len(links) > 100, "the VoID page links every class and property partition"
    targets: dict[str, str] = {}
    for link in sorted(links):
        path, _, fragment = link.partition("#")
        url = live_server.url + path.lstrip("/")
        if url not in targets:
            targets[url] = requests.get(url, headers={"Accept": "text/html", "Accept-Language": lang}).text
        assert f'id="{fragment}"' in targets[url], link
