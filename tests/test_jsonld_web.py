"""The /embed views, the HTML fragment and the CLI: offline, escaped, and inert against markup in literals."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from html_safety import BASE, EVIL, EVIL_IRI, Scripts, graph_with_evil_person, only_script
from rdflib import Graph
from support import PROJECT_ROOT

from digigov_lod.config import Settings
from digigov_lod.graph import load_sources
from digigov_lod.jsonld import Options, embed_snippet_html, iter_resources, script_element, snippet
from digigov_lod.jsonld.cli import embed_command
from digigov_lod.jsonld.loader import RemoteFetchRefused, document_loader
from digigov_lod.release import Release, ReleaseWriter
from digigov_lod.sparql.store import Store
from digigov_lod.web.embed import blueprint
from digigov_lod.web.site import Site

# ------------------------------------------------------------------ no network, ever


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any connection or name lookup outside 127.0.0.1."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def local(address: object) -> bool:
        return (isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1", "localhost")) or isinstance(
            address, (str, bytes)
        )  # AF_UNIX paths are local

    def guarded_connect(self: socket.socket, address: object) -> object:
        if not local(address):
            attempts.append(f"connect {address!r}")
            raise AssertionError(f"network access attempted: connect to {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> object:
        if not local(address):
            attempts.append(f"connect_ex {address!r}")
            raise AssertionError(f"network access attempted: connect to {address!r}")
        return real_connect_ex(self, address)

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host not in ("127.0.0.1", "::1", "localhost", None):
            attempts.append(f"getaddrinfo {host!r}")
            raise AssertionError(f"network access attempted: name lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def test_the_guard_catches_a_connection(no_network: list[str]) -> None:
    with pytest.raises(AssertionError), socket.socket() as s:
        s.connect(("192.0.2.1", 80))
    assert no_network


def test_loader_refuses_everything_but_the_shipped_context(no_network: list[str]) -> None:
    assert "@context" in document_loader("https://schema.org")["document"]
    assert document_loader("http://schema.org/")["document"] is document_loader("https://schema.org")["document"]
    for url in ("https://example.org/context.jsonld", "https://w3id.org/digigov-lod/context", "file:///etc/passwd"):
        with pytest.raises(RemoteFetchRefused):
            document_loader(url)
    assert no_network == []


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def evil_graph() -> Graph:
    return graph_with_evil_person()


def make_app(graph: Graph, tmp_path: Path) -> Flask:
    """The embed blueprint over a release holding ``graph`` (the site reads it through its store)."""
    with ReleaseWriter(tmp_path / "dist") as writer:
        writer.add_dumps(graph)
        writer.publish({"version": "t3st", "created": "2024-01-01T00:00:00Z", "base_iri": BASE})
    return app_over(Release.open(tmp_path / "dist"))


def app_over(release: Release) -> Flask:
    """The embed blueprint alone over ``release``."""
    settings = Settings(project_root=PROJECT_ROOT)
    app = Flask(__name__)
    app.extensions["digigov"] = Site(settings=settings, release=release, store=Store(release, settings))
    app.register_blueprint(blueprint)
    return app


def assert_inert(html: str, document: dict) -> None:
    attrs, text = only_script(html)
    assert attrs.get("type") == "application/ld+json"
    assert json.loads(text) == document
    assert "<" not in text and ">" not in text and "&" not in text
    try:
        import html5lib  # type: ignore[import-untyped]
    except ImportError:
        return
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    scripts = tree.findall(".//script")
    assert len(scripts) == 1 and json.loads(scripts[0].text) == document


# ------------------------------------------------------------------ HTML safety


@pytest.mark.parametrize("variant", ["embed", "full"])
def test_markup_in_literals_stays_inert_in_the_script_element(evil_graph: Graph, variant: str) -> None:
    for iri in (EVIL_IRI, BASE + "id/event/digigov-2017"):
        document = snippet(evil_graph, iri, Options(variant=variant), BASE)
        assert EVIL in json.dumps(document, ensure_ascii=False)  # the literal really is there
        assert_inert(script_element(document), document)
        page = f"<!doctype html><html><head><title>t</title>{script_element(document)}</head><body></body></html>"
        assert_inert(page, document)


def test_markup_in_literals_stays_inert_in_the_page_fragment(evil_graph: Graph) -> None:
    document = snippet(evil_graph, EVIL_IRI, Options(), BASE)
    fragment = embed_snippet_html(document, "/embed/person/evil")
    assert_inert(f"<!doctype html><html><body>{fragment}</body></html>", document)
    without_live = embed_snippet_html(document, include_live=False)
    parser = Scripts()
    parser.feed(without_live)
    assert parser.scripts == []


def test_markup_in_literals_stays_inert_over_http(evil_graph: Graph, tmp_path: Path) -> None:
    client = make_app(evil_graph, tmp_path).test_client()
    for path in ("/embed/person/evil", "/embed/event/digigov-2017"):
        for query in ("", "?variant=full", "?lang=en"):
            data = client.get(path + query)
            assert data.status_code == 200
            assert data.mimetype == "application/ld+json"
            html = client.get(path + ".html" + query)
            assert html.mimetype == "text/html"
            assert_inert(html.get_data(as_text=True), json.loads(data.get_data(as_text=True)))


# ------------------------------------------------------------------ the views


def test_embed_views(release: Release, no_network: list[str]) -> None:
    client = app_over(release).test_client()
    response = client.get("/embed/event/digigov-2017")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response.json["@context"] == "https://schema.org" and response.json["@type"] == "BusinessEvent"
    etag = response.headers["ETag"]
    assert client.get("/embed/event/digigov-2017", headers={"If-None-Match": etag}).status_code == 304
    full = client.get("/embed/event/digigov-2017?variant=full")
    assert full.headers["ETag"] != etag and full.json["@context"][0] == "https://schema.org"
    assert client.get("/embed/event/digigov-2017?lang=en").json["name"].startswith("DigiGov – top leaders")
    assert client.get("/embed/event/no-such-event").status_code == 404
    assert client.get("/embed/event/digigov-2017?variant=nope").status_code == 400
    assert client.get("/embed/event/digigov-2017?lang=de").status_code == 400
    assert client.head("/embed/person/lena-micko.html").status_code == 200
    assert no_network == []


@pytest.mark.slow  # every embed of every resource; the loader's refusals are checked above in the fast loop
def test_building_and_serving_every_embed_touches_no_network(tmp_path: Path, no_network: list[str]) -> None:
    graph = load_sources(PROJECT_ROOT / "data", PROJECT_ROOT / "ontology", BASE)
    client = make_app(graph, tmp_path).test_client()
    iris = list(iter_resources(graph, BASE))
    for iri in iris:
        path = "/embed/" + str(iri)[len(BASE + "id/") :]
        assert client.get(path).status_code == 200, path
        assert client.get(path + ".html?variant=full").status_code == 200, path
    assert no_network == []


def test_cli_prints_the_snippet(no_network: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(embed_command, ["--conference"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["@type"] == "BusinessEvent"
    result = runner.invoke(embed_command, ["person/lena-micko", "--html", "--lang", "en"])
    assert result.exit_code == 0 and result.output.startswith('<script type="application/ld+json">')
    assert runner.invoke(embed_command, [BASE + "id/person/nobody"]).exit_code == 1
    small = runner.invoke(embed_command, ["--conference", "--depth", "1"])
    full = runner.invoke(embed_command, ["--conference"])
    assert small.exit_code == 0 and len(small.output) * 2 < len(full.output)
    assert runner.invoke(embed_command, ["--conference", "--depth", "9"]).exit_code == 2
    assert no_network == []


def test_depth_makes_a_small_conference_snippet(tmp_path: Path, evil_graph: Graph) -> None:
    client = make_app(evil_graph, tmp_path).test_client()
    full = client.get("/embed/event/digigov-2017?lang=en")
    small = client.get("/embed/event/digigov-2017?lang=en&depth=1")
    # depth=1 spells out the days, which list their (derived) performers too: well under half the full snippet
    assert small.status_code == 200 and len(small.data) < len(full.data) / 2
    document = json.loads(small.data)
    assert document["@type"] and document["name"] and document["startDate"] and document["location"]["name"]
    assert full.headers["ETag"] != small.headers["ETag"]
    for bad in ("9", "-1", "x"):
        response = client.get(f"/embed/event/digigov-2017?depth={bad}")
        assert response.status_code == 400 and b"depth" in response.data
