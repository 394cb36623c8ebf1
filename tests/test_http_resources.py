"""Dereferenceable IRIs through real HTTP: 303s, content negotiation, suffixes, HTML pages."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from support import LiveServer

from digigov_lod.describe import describe
from digigov_lod.iris import local_path

CONFERENCE = "id/event/digigov-2017"
FORMATS = [
    ("text/turtle", "turtle", "ttl"),
    ("application/ld+json", "json-ld", "jsonld"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "xml", "rdf"),
]


def _subjects_under(release, prefix: str) -> list[str]:
    graph = release.load_graph()
    return sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(prefix)})


def test_every_thing_iri_dereferences(live_server: LiveServer, release) -> None:
    iris = _subjects_under(release, release.base_iri + "id/")
    assert len(iris) > 50
    session = requests.Session()
    for iri in iris:
        response = session.get(live_server.local(iri), allow_redirects=False, headers={"Accept": "text/turtle"})
        assert response.status_code == 303, iri
        doc = response.headers["Location"]
        assert doc.endswith("/doc/" + local_path(iri, release.base_iri)[len("id/") :])
        followed = session.get(
            live_server.url.rstrip("/") + doc if doc.startswith("/") else doc, headers={"Accept": "text/turtle"}
        )
        assert followed.status_code == 200, iri
        assert (URIRef(iri), None, None) in Graph().parse(data=followed.text, format="turtle")


def test_vocabulary_terms_dereference(live_server: LiveServer, release) -> None:
    terms = _subjects_under(release, release.base_iri + "def/")
    assert terms, "the own vocabulary has terms"
    for iri in terms:
        if iri.endswith("/"):
            continue
        response = requests.get(live_server.local(iri), headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri
        assert (URIRef(iri), None, None) in Graph().parse(data=response.text, format="nt")


@pytest.mark.parametrize(("media", "parser", "suffix"), FORMATS)
def test_document_negotiates_every_format(
    live_server: LiveServer, release, media: str, parser: str, suffix: str
) -> None:
    expected = describe(release.load_graph(), URIRef(release.base_iri + CONFERENCE), release.base_iri)
    url = live_server.url + "doc/event/digigov-2017"
    by_accept = requests.get(url, headers={"Accept": media})
    by_suffix = requests.get(f"{url}.{suffix}")
    for response in (by_accept, by_suffix):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{media}; charset=utf-8"
        assert isomorphic(Graph().parse(data=response.content, format=parser), expected)
    assert "Accept" in by_accept.headers["Vary"]
    assert 'rel="alternate"' in by_accept.headers["Link"]


def test_unknown_and_malformed_paths_are_404(live_server: LiveServer) -> None:
    for path in (
        "id/person/nobody-at-all",
        "doc/person/nobody-at-all",
        "id/Person/UPPER",
        "doc/person/x.exe",
        "def/no-such-term",
    ):
        response = requests.get(live_server.url + path, headers={"Accept": "text/turtle"}, allow_redirects=False)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text


def test_not_acceptable(live_server: LiveServer) -> None:
    response = requests.get(live_server.url + "doc/event/digigov-2017", headers={"Accept": "image/png"})
    assert response.status_code == 406


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.alternates: list[str] = []
        self.in_script = False
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.in_script = attributes.get("type") == "application/ld+json"
            if self.in_script:
                self.scripts.append("")
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append(attributes.get("type", ""))
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts[-1] += data


@pytest.mark.parametrize(
    ("accept_language", "lang", "word"), [("sv-SE,sv;q=0.9", "sv", "Egenskap"), ("en-GB,en", "en", "Property")]
)
def test_html_page_in_readers_language(live_server: LiveServer, accept_language: str, lang: str, word: str) -> None:
    response = requests.get(
        live_server.url + "doc/person/lena-micko", headers={"Accept": "text/html", "Accept-Language": accept_language}
    )
    assert response.status_code == 200 and response.headers["Content-Language"] == lang
    assert f'<html lang="{lang}">' in response.text and word in response.text
    assert "Accept-Language" in response.headers["Vary"]
    page = _PageParser()
    page.feed(response.text)
    assert {"text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"} <= set(
        page.alternates
    )
    assert len(page.scripts) >= 1
    embedded = json.loads(page.scripts[0])
    assert embedded, "the embedded JSON-LD parses"
    assert any(href.startswith(live_server.url) for href in page.links), "IRIs link to pages on this server"


def test_language_switch_by_parameter(live_server: LiveServer) -> None:
    sv = requests.get(live_server.url + "doc/event/digigov-2017?lang=sv", headers={"Accept": "text/html"})
    en = requests.get(live_server.url + "doc/event/digigov-2017?lang=en", headers={"Accept": "text/html"})
    assert sv.headers["Content-Language"] == "sv" and en.headers["Content-Language"] == "en"
    assert sv.headers["ETag"] != en.headers["ETag"]


def test_page_shows_incoming_links_and_source(live_server: LiveServer) -> None:
    page = requests.get(live_server.url + "doc/person/lena-micko?lang=en", headers={"Accept": "text/html"}).text
    assert "Referred to by" in page
    assert "/id/work/" in page or "/doc/work/" in page, "provenance points to the report"


def test_conditional_requests_on_documents(live_server: LiveServer) -> None:
    url = live_server.url + "doc/event/digigov-2017.ttl"
    first = requests.get(url)
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    head = requests.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == first.headers["ETag"]
    other = requests.get(live_server.url + "doc/event/digigov-2017.nt")
    assert other.headers["ETag"] != first.headers["ETag"], "each representation has its own validator"


def test_every_iri_under_the_base_answers(live_server: LiveServer, release) -> None:
    """Subjects, objects and named graphs: anything under the base IRI resolves on this server."""
    graph = release.load_graph()
    for name in ("catalog.nt", "void.nt"):
        graph.parse(release.path / name, format="nt")
    iris = {str(t).split("#")[0] for triple in graph for t in triple if isinstance(t, URIRef)}
    iris |= {release.base_iri + f"graph/{name}" for name in ("knowledge-graph", "catalog", "void")}
    session = requests.Session()
    for iri in sorted(i for i in iris if i.startswith(release.base_iri)):
        response = session.head(live_server.local(iri), allow_redirects=True, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, iri


def test_vary_lists_each_header_separately(live_server: LiveServer) -> None:
    response = requests.get(live_server.url + "doc/event/digigov-2017", headers={"Accept": "text/html"})
    fields = [f.strip() for f in response.headers["Vary"].split(",")]
    assert "Accept" in fields and "Accept-Language" in fields
    assert '"' not in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "media"), [("application/json", "application/ld+json"), ("text/n3", "text/turtle")])
def test_common_aliases_get_rdf(live_server: LiveServer, accept: str, media: str) -> None:
    response = requests.get(live_server.url + "doc/event/digigov-2017", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)


def test_error_pages_for_browsers_are_site_pages(live_server: LiveServer) -> None:
    response = requests.get(
        live_server.url + "doc/person/nobody", headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    assert response.status_code == 404
    assert '<html lang="en">' in response.text and 'href="/sparql"' in response.text


@pytest.mark.parametrize(("path", "words"), [("catalog", "DCAT"), (".well-known/void", "VoID")])
def test_catalog_and_void_have_pages_for_people(live_server: LiveServer, path: str, words: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = requests.get(live_server.url + path, headers={"Accept": browser, "Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert words in page.text and 'id="dataset"' in page.text
    harvester = requests.get(live_server.url + path, headers={"Accept": "*/*"})
    assert not harvester.headers["Content-Type"].startswith("text/html")


def test_error_page_headings_follow_the_reader(live_server: LiveServer) -> None:
    page = requests.get(live_server.url + "doc/person/nobody", headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert page.status_code == 404 and "404 Finns inte" in page.text and '<html lang="sv">' in page.text
