"""The vocabulary page: every class and property of the data, with counts and a query that runs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html import unescape

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from support import LiveServer

from digigov_lod.config import Settings
from digigov_lod.describe import label
from digigov_lod.metadata.void import partition_fragment
from digigov_lod.release import Release
from digigov_lod.sparql.store import Store
from digigov_lod.web.vocabulary import Term, _count_terms


@pytest.fixture(scope="module")
def page(live_server: LiveServer) -> str:
    answer = requests.get(live_server.url + "vocabulary", headers={"Accept-Language": "en"}, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Language"] == "en"
    return answer.text


@pytest.fixture(scope="module")
def store(release: Release, project_settings: Settings) -> Iterator[Store]:
    """The release's store (it has no whole graph to read: the page is counted by the engine)."""
    opened = Store(release, project_settings, pool_size=1)
    yield opened
    opened.close()


def reference_terms(graph: Graph, prefixed: Graph) -> tuple[Term, ...]:
    """The terms as the page counted them in Python over the whole graph (before the page query)."""
    classes: Counter[URIRef] = Counter()
    properties: Counter[URIRef] = Counter()
    class_example: dict[URIRef, URIRef] = {}
    property_example: dict[URIRef, URIRef] = {}
    for subject, predicate, obj in sorted(graph):
        if not isinstance(subject, URIRef):
            continue
        properties[predicate] += 1
        property_example.setdefault(predicate, subject)
        if predicate == RDF.type and isinstance(obj, URIRef):
            classes[obj] += 1
            class_example.setdefault(obj, subject)
    return tuple(
        [Term("class", c, partition_fragment("class", str(c), prefixed), n, class_example.get(c))
         for c, n in sorted(classes.items(), key=lambda item: (-item[1], str(item[0])))]
        + [Term("property", p, partition_fragment("property", str(p), prefixed), n, property_example.get(p))
           for p, n in sorted(properties.items(), key=lambda item: (-item[1], str(item[0])))]
    )  # fmt: skip


def test_the_engine_counts_the_same_terms_as_python_over_the_whole_graph(store: Store, release: Release) -> None:
    terms = _count_terms(store)
    assert terms == reference_terms(release.load_graph(), store.namespaces)
    assert {t.kind for t in terms} == {"class", "property"}
    assert any(t.count > 1 and t.example is not None for t in terms)  # a real example, not just a count


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_completions_are_labelled_as_from_the_whole_graph(
    live_server: LiveServer, store: Store, release: Release, lang: str
) -> None:
    whole = release.load_graph()
    answer = requests.get(live_server.url + "vocabulary.json", headers={"Accept-Language": lang}, timeout=30)
    served = {t["iri"]: t["label"] for t in answer.json()["terms"]}
    expected = {
        str(t.iri): label(whole, t.iri, lang) or label(store.display_labels(), t.iri, lang) or ""
        for t in reference_terms(whole, store.namespaces)
    }
    assert served == expected
    assert sum(1 for text in served.values() if text) > 20


def test_each_example_is_named_as_from_the_whole_graph(page: str, store: Store, release: Release) -> None:
    whole, rows = release.load_graph(), _rows(page)
    for term in reference_terms(whole, store.namespaces):
        assert term.example is not None
        shown = re.findall(r"<td><a href=\"[^\"]*\">([^<]*)</a></td>", rows[term.anchor])
        name = label(whole, term.example, "en") or store.compact(str(term.example))
        assert [unescape(text) for text in shown] == [name], term.anchor


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
