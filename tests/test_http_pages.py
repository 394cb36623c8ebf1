"""The pages people read: the programme, the index pages, the pictures, about, accessibility, errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import requests
from rdflib import Graph, URIRef
from support import LiveServer

from digigov_lod.namespaces import SCHEMA, vocab_namespace


class Links(HTMLParser):
    """The hrefs of a page, and the text of its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"] or "")


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def page(server: LiveServer, path: str, lang: str = "sv") -> str:
    answer = requests.get(server.url + path, headers={"Accept": "text/html", "Accept-Language": lang}, timeout=30)
    assert answer.status_code == 200, path
    assert answer.headers.get("Content-Language", lang) == lang
    return answer.text


@pytest.fixture(scope="module")
def graph(release) -> Graph:
    return release.load_graph()


def test_programme_lists_each_days_sessions_in_the_reports_order(live_server: LiveServer, release, graph) -> None:
    html = page(live_server, "programme")
    dgv = vocab_namespace(release.base_iri)
    days = sorted(graph.subjects(SCHEMA.superEvent, URIRef(release.base_iri + "id/event/digigov-2017")))
    days = [d for d in days if (d, None, dgv.ConferenceDay) in graph]
    assert len(days) == 2
    for day in days:
        ordered = sorted(graph.subjects(SCHEMA.superEvent, day), key=lambda s: int(graph.value(s, SCHEMA.position)))
        slugs = [str(s).rsplit("/", 1)[1] for s in ordered]
        found = [html.index(f'<article class="session" id="{slug}"') for slug in slugs]
        assert found == sorted(found), f"{day}: sessions out of order"
        for session in ordered:  # every performer, topic and claim of the session is linked
            for node in [*graph.objects(session, SCHEMA.performer), *graph.objects(session, SCHEMA.about)]:
                assert "/" + str(node)[len(release.base_iri) :] + '"' in html, (session, node)
            for claim in graph.subjects(dgv.statedAt, session):
                assert "/" + str(claim)[len(release.base_iri) :] + '"' in html, claim
    assert html.index("digigov-2017-day-1") < html.index("digigov-2017-day-2")


def test_programme_gives_roles_and_organisations_in_the_readers_language(live_server: LiveServer) -> None:
    sv, en = page(live_server, "programme", "sv"), page(live_server, "programme", "en")
    guttmann = re.search(r'guttmann">Christian Guttmann</a>([^<]*)\(<a href="[^"]*/id/organization/(\w+)"', sv)
    assert guttmann and "talare" in guttmann.group(1) and guttmann.group(2) == "naii"
    assert "<h1>Programme</h1>" in en and "speaker" in en and "Performers" in en
    assert "<h1>Program</h1>" in sv and "Medverkande" in sv


def test_programme_is_linked_from_every_page_and_the_landing_page(live_server: LiveServer) -> None:
    for path in ("", "doc/event/digigov-2017", "sparql"):
        assert "/programme" in links(page(live_server, path))


def test_every_thing_is_two_clicks_from_the_landing_page(live_server: LiveServer, release, graph) -> None:
    """Crawl landing → index page → resource, and compare with every subject under id/."""
    things = {str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(release.base_iri + "id/")}
    indexes = [h for h in links(page(live_server, "")) if h.startswith("/browse/") and h != "/browse/"]
    assert {"/browse/people", "/browse/organisations", "/browse/topics", "/browse/claims", "/browse/places"} <= set(
        indexes
    )
    reached = set()
    for index in indexes:
        for href in links(page(live_server, index.lstrip("/"))):
            if "/id/" in href:
                reached.add(release.base_iri + "id/" + href.split("/id/", 1)[1])
    assert things - reached == set()
    some = sorted(reached)[::20]  # the links lead to the things' pages
    for iri in some:
        answer = requests.get(live_server.local(iri), headers={"Accept": "text/html"}, timeout=30)
        assert answer.status_code == 200 and answer.url.split("/doc/")[1] == iri.split("/id/")[1]


@pytest.mark.parametrize(("slug", "sv", "en"), [("people", "Personer", "People"), ("claims", "Påståenden", "Claims")])
def test_index_pages_are_sortable_tables(live_server: LiveServer, slug: str, sv: str, en: str) -> None:
    swedish, english = page(live_server, f"browse/{slug}"), page(live_server, f"browse/{slug}", "en")
    assert f"<h1>{sv}" in swedish and f"<h1>{en}" in english
    for html in (swedish, english):  # results.js sorts and filters tables of this class; the box scrolls on phones
        assert '<table class="results index">' in html and "/static/results.js" in html
        assert '<div class="scroll" tabindex="0" role="region" aria-label=' in html


def test_an_unknown_index_is_a_readable_404(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "browse/persons", headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code == 404 and "/browse/people" in answer.text


@pytest.mark.parametrize("name", ["timeline", "network"])
@pytest.mark.parametrize(("lang", "word"), [("sv", "Nätverk"), ("en", "Network")])
def test_pictures_are_accessible_svg(live_server: LiveServer, name: str, lang: str, word: str) -> None:
    from xml.etree import ElementTree

    answer = requests.get(live_server.url + f"pictures/{name}.svg?lang={lang}", timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/svg+xml")
    assert "script" not in answer.text.lower()
    svg = ElementTree.fromstring(answer.content)
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img" and svg.get("viewBox")
    assert svg.find(ns + "title").text and svg.find(ns + "desc").text  # type: ignore[union-attr]
    texts = " ".join(t.text or "" for t in svg.iter(ns + "text"))
    if name == "network":
        assert word in svg.find(ns + "title").text and "Christian Guttmann" in texts and "NAII" in texts  # type: ignore[union-attr,operator]
    else:
        assert "2017-12-05" in texts and "2017-12-06" in texts


@pytest.mark.parametrize("path", ["", "programme"])
def test_pictures_are_on_the_landing_page_and_the_programme_with_their_text(live_server: LiveServer, path: str) -> None:
    html = page(live_server, path, "en")
    assert '<img src="/pictures/timeline.svg?lang=en"' in html and '<img src="/pictures/network.svg?lang=en"' in html
    assert "The pictures as text" in html
    alternative = html[html.index("The pictures as text") :]
    assert "Christian Guttmann" in alternative and "/id/event/closing-panel" in alternative


def test_the_language_choice_sticks_and_replayed_pages_do_not_mix_languages(live_server: LiveServer) -> None:
    """The switch sets a cookie; later pages and a submitted query follow it; the replaying front
    (which keeps answers to cookieless requests only) never gives a chooser the other language."""
    swedish_browser = {"Accept": "text/html", "Accept-Language": "sv"}
    for _ in range(2):  # the second answer is a replay
        plain = requests.get(live_server.url + "programme", headers=swedish_browser, timeout=30)
        assert plain.headers["Content-Language"] == "sv"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in plain.headers["Vary"].split(",")}
    reader = requests.Session()
    switched = reader.get(live_server.url + "browse/people?lang=en", headers=swedish_browser, timeout=30)
    assert "lang=en" in switched.headers["Set-Cookie"] and "SameSite=Lax" in switched.headers["Set-Cookie"]
    for path in ("programme", "sparql?query=ASK%7B%7D", "doc/person/lena-micko"):
        answer = reader.get(live_server.url + path, headers=swedish_browser, timeout=30)
        assert '<html lang="en">' in answer.text, path
    back = reader.get(live_server.url + "programme?lang=sv", headers=swedish_browser, timeout=30)
    assert "lang=;" in back.headers["Set-Cookie"] and "Max-Age=0" in back.headers["Set-Cookie"]  # cookie removed
    assert '<html lang="sv">' in reader.get(live_server.url + "about", headers=swedish_browser, timeout=30).text


def test_the_embed_box_is_closed_and_small_on_the_conference_page(live_server: LiveServer) -> None:
    html = page(live_server, "doc/event/digigov-2017")
    start = html.index('<details class="embed-box">')
    box = html[start : html.index("</details>", start)]
    assert len(box.encode()) < 15_000 and 'type="application/ld+json"' in box
    assert len(html.encode()) < 40_000
    full = requests.get(live_server.url + "embed/event/digigov-2017", timeout=30)
    assert len(full.content) > 15_000  # the /embed API keeps its documented default depth


def test_about_and_accessibility_pages_come_from_the_publishers_data(live_server: LiveServer) -> None:
    for lang in ("sv", "en"):
        about, statement = page(live_server, "about", lang), page(live_server, "accessibility", lang)
        assert "mailto:claes-olof.olsson@sambruk.se" in about and "/id/organization/sambruk" in about
        assert "mailto:claes-olof.olsson@sambruk.se" in statement and "https://www.digg.se/" in statement
        assert "2018:1937" in statement and "WCAG 2.1" in statement
        assert "/about" in links(page(live_server, "", lang)) and "/accessibility" in links(about)


@pytest.mark.parametrize(
    ("path", "suggested"),
    [
        ("doc/person/Lena-Micko", "/doc/person/lena-micko"),
        ("id/person/Lena-Micko", "/doc/person/lena-micko"),
        ("Programme", "/programme"),
        ("doc/person/Nobody-Here", None),
    ],
)
def test_a_404_is_titled_as_an_error_and_suggests_the_lower_case_address(
    live_server: LiveServer, path: str, suggested: str | None
) -> None:
    for lang, title in (("sv", "<title>Fel: 404 Finns inte"), ("en", "<title>Error: 404 Not found")):
        answer = requests.get(
            live_server.url + path, headers={"Accept": "text/html", "Accept-Language": lang}, timeout=30
        )
        assert answer.status_code == 404 and title in answer.text
        assert (f'<a href="{suggested}">' in answer.text) if suggested else ('class="suggestion"' not in answer.text)


def test_unknown_addresses_get_the_sites_own_words(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "no/such/page", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert answer.status_code == 404 and "This address does not exist on this site" in answer.text
    assert "requested URL was not found" not in answer.text and '<a href="/browse/">' in answer.text
