"""The parts of the static export, fast: file names, link rewriting, and the generated nginx configuration
serving a hand-made export of one page over real HTTP. ``test_export.py`` (slow) exports the whole site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from nginx_support import Nginx, readable_by_server_workers, start_nginx
from support import free_port

from digigov_lod.cli import main
from digigov_lod.release import Release
from digigov_lod.static_links import Link, links, rewrite
from digigov_lod.static_names import extension_of, file_name
from digigov_lod.static_server import Negotiated, StaticSite, write_server_configuration


@pytest.mark.parametrize(
    ("path", "query", "media_type", "lang", "expected"),
    [
        ("/", [], "text/html; charset=utf-8", "sv", "index.sv.html"),
        ("/browse/", [("lang", "en")], "text/html", "en", "browse/index.en.html"),
        ("/doc/event/x", [], "text/turtle", None, "doc/event/x.ttl"),
        ("/doc/event/x.ttl", [], "text/turtle; charset=utf-8", None, "doc/event/x.ttl"),
        ("/sitemap.xml", [], "application/xml", None, "sitemap.xml"),
        ("/sparql/examples/01", [("format", "csv")], "text/csv", None, "sparql/examples/01.csv"),
    ],
)
def test_each_representation_has_a_file_of_its_own(
    path: str, query: list[tuple[str, str]], media_type: str, lang: str | None, expected: str
) -> None:
    assert file_name(path, query, media_type, lang) == expected


def test_a_query_string_is_hashed_into_the_name_and_only_format_parameters_are_dropped() -> None:
    one = file_name("/sparql", [("query", "SELECT 1"), ("output", "csv")], "text/csv", None)
    same = file_name("/sparql", [("query", "SELECT 1")], "text/csv", None)
    other = file_name("/sparql", [("query", "SELECT 2")], "text/csv", None)
    assert one == same != other
    assert one.startswith("sparql/q-") and one.endswith(".csv")


def test_an_unknown_media_type_is_refused_by_name() -> None:
    assert extension_of("Application/LD+JSON; profile=x") == "jsonld"
    with pytest.raises(ValueError, match="application/x-unknown"):
        extension_of("application/x-unknown")


PAGE = (
    '<!doctype html><p class="a">Text &amp; more</p>'
    '<a href="/doc/x?a=1&amp;lang=en" type="text/turtle">Turtle</a>\n'
    '<img alt="" src="/pictures/t.svg"><form method="get" action="/sparql"><a href="#top">up</a></form>'
)


def test_links_are_found_in_document_order_with_their_type() -> None:
    assert links(PAGE) == [
        Link("a", "href", "/doc/x?a=1&lang=en", "text/turtle"),
        Link("img", "src", "/pictures/t.svg", None),
        Link("form", "action", "/sparql", None),
        Link("a", "href", "#top", None),
    ]


def test_rewriting_changes_only_the_links_it_is_asked_to() -> None:
    moved = {"/doc/x?a=1&lang=en": 'doc/x.en.ttl?"q"', "/sparql": "https://query.example/sparql"}
    page = rewrite(PAGE, lambda link: moved.get(link.target))
    assert 'href="doc/x.en.ttl?&quot;q&quot;" type="text/turtle"' in page  # escaped in the attribute
    assert 'action="https://query.example/sparql"' in page
    unchanged = ('<p class="a">Text &amp; more</p>', '<img alt="" src="/pictures/t.svg">', 'href="#top"')
    assert all(part in page for part in unchanged)
    assert rewrite(PAGE, lambda link: None) == PAGE


FILES = {
    "doc/event/x.sv.html": "<p>svenska</p>",
    "doc/event/x.en.html": "<p>English</p>",
    "doc/event/x.ttl": "<x> <p> <o> .",
    "doc/event/x.jsonld": "{}",
    "404.sv.html": "<p>saknas</p>",
    "404.en.html": "<p>missing</p>",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """One page in two languages and two RDF formats, with the configuration the export writes for it."""
    root = tmp_path_factory.mktemp("export")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    readable_by_server_workers(root)
    port = free_port()
    page = Negotiated("/doc/event/x", "html", localised=True, negotiates=True, vary="Accept")
    write_server_configuration(StaticSite(root, f"http://127.0.0.1:{port}/", "/", {}, [page]))
    server = start_nginx(tmp_path_factory.mktemp("nginx"), port, f"include {root / 'nginx.conf'};")
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("accept", "language", "body", "media_type"),
    [
        ("text/turtle", "sv", "<x> <p> <o> .", "text/turtle"),
        ("application/ld+json", "sv", "{}", "application/ld+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "sv", "<p>svenska</p>", "text/html"),
        ("text/html", "en-GB,en;q=0.9,sv;q=0.5", "<p>English</p>", "text/html"),
        ("*/*", "en", "<p>English</p>", "text/html"),
    ],
)
def test_nginx_negotiates_format_and_language(
    served: Nginx, accept: str, language: str, body: str, media_type: str
) -> None:
    answer = requests.get(
        served.url + "doc/event/x", headers={"Accept": accept, "Accept-Language": language}, timeout=5
    )
    assert answer.status_code == 200
    assert answer.text == body
    assert answer.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in [part.strip() for part in answer.headers["Vary"].split(",")]


def test_nginx_takes_the_language_from_the_query_before_the_browser(served: Nginx) -> None:
    answer = requests.get(served.url + "doc/event/x?lang=en", headers={"Accept-Language": "sv"}, timeout=5)
    assert answer.text == "<p>English</p>"


def test_nginx_answers_303_for_a_thing_and_404_for_a_thing_without_a_document(served: Nginx) -> None:
    thing = requests.get(served.url + "id/event/x", allow_redirects=False, timeout=5)
    assert thing.status_code == 303
    assert thing.headers["Location"] == "/doc/event/x"
    missing = requests.get(served.url + "id/event/nothing", headers={"Accept-Language": "en"}, timeout=5)
    assert missing.status_code == 404
    assert missing.text == "<p>missing</p>"


def test_nginx_answers_406_for_a_format_the_page_does_not_have(served: Nginx) -> None:
    answer = requests.get(served.url + "doc/event/x", headers={"Accept": "application/rdf+xml"}, timeout=5)
    assert answer.status_code == 406
    assert "Not Acceptable" in answer.text


def test_cli_refuses_a_bad_url_with_a_message(release: Release, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", str(tmp_path / "x"), "--url", "ftp://x", "--release", str(release.path)]
    )
    assert result.exit_code == 2
    assert "--url must be an http(s) URL" in result.output
