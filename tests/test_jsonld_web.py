"""The /embed views, the HTML fragment and the CLI: offline, escaped, and inert against markup in literals."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from html_safety import BASE, EVIL, EVIL_IRI, Scripts, graph_with_evil_person, only_script
from rdflib import RDF, BNode, Graph, Literal, URIRef
from support import PROJECT_ROOT

from digigov_lod.config import Settings
from digigov_lod.describe import describe
from digigov_lod.graph import load_sources
from digigov_lod.jsonld import Options, embed_snippet_html, iter_resources, json_text, script_element, select, snippet
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


#: Deep and shallow, both variants and languages: what /embed serves node by node must be today's snippet
#: (the conference's full snippet at depth 5 is left out: seconds of PyLD, and no other node to read).
DEEP_EMBEDS = [
    ("event/digigov-2017", Options("embed", "sv", 5)),
    ("event/digigov-2017", Options("full", "en", 1)),
    ("event/ai-session", Options("full", "en", 5)),
    ("event/ai-session", Options("embed", "sv", 2)),
    ("person/lena-micko", Options("embed", "en", 5)),
    ("person/lena-micko", Options("full", "sv", 0)),
    ("organization/skl", Options("embed", "sv", 0)),
    ("organization/skl", Options("full", "en", 5)),
    ("work/report", Options("embed", "sv", 5)),
    ("work/report", Options("full", "sv", 2)),
]


def test_a_deep_embed_is_read_node_by_node_and_equals_the_whole_graph_snippet(release: Release) -> None:
    app = app_over(release)
    whole, client = release.load_graph(), app.test_client()
    for thing, opts in DEEP_EMBEDS:
        served = client.get(f"/embed/{thing}?variant={opts.variant}&lang={opts.lang}&depth={opts.depth}")
        assert served.status_code == 200, (thing, opts)
        expected = snippet(whole, release.base_iri + "id/" + thing, opts, release.base_iri)  # as /embed made it before
        assert served.get_data(as_text=True) == json_text(expected), (thing, opts)


@pytest.mark.parametrize("slug", ["a%22b", "a%20b", "a%7D%20%7D", "Lena-Micko"])
def test_a_slug_no_thing_can_have_is_not_described(release: Release, slug: str) -> None:
    """Not a server error from a page query an IRI would break: the same 404 as for an unknown thing."""
    answer = app_over(release).test_client().get(f"/embed/person/{slug}?depth=3")
    assert answer.status_code == 404


def blank_node_graph() -> Graph:
    """A conference whose place and the place's address are blank nodes (two steps), and whose performer
    has a role node (blank) naming an organisation."""
    g, schema = Graph(), "https://schema.org/"
    event, person, org = (URIRef(BASE + "id/" + t) for t in ("event/c", "person/p", "organization/o"))
    place, address, role = BNode(), BNode(), BNode()
    g.add((event, RDF.type, URIRef(schema + "Event")))
    g.add((event, URIRef(schema + "location"), place))
    g.add((place, RDF.type, URIRef(schema + "Place")))
    g.add((place, URIRef(schema + "address"), address))
    g.add((address, RDF.type, URIRef(schema + "PostalAddress")))
    g.add((address, URIRef(schema + "streetAddress"), Literal("Kistagången 16")))
    g.add((event, URIRef(schema + "performer"), person))
    g.add((person, RDF.type, URIRef(schema + "Person")))
    g.add((person, URIRef(schema + "name"), Literal("P")))
    g.add((person, URIRef(schema + "worksFor"), role))
    g.add((role, RDF.type, URIRef(schema + "Role")))
    g.add((role, URIRef(schema + "worksFor"), org))
    g.add((org, RDF.type, URIRef(schema + "Organization")))
    g.add((org, URIRef(schema + "name"), Literal("O")))
    return g


@pytest.mark.parametrize("opts", [Options("embed", "sv", 5), Options("full", "en", 5), Options("embed", "sv", 1)])
def test_blank_nodes_are_read_from_the_node_that_led_to_them(opts: Options) -> None:
    whole, asked = blank_node_graph(), []

    def around(iri: URIRef) -> Graph:  # like a neighbourhood: an IRI's statements with its blank nodes'
        assert isinstance(iri, URIRef), f"a blank node has no IRI to look up: {iri!r}"
        asked.append(iri)
        return describe(whole, iri, BASE)

    root = URIRef(BASE + "id/event/c")
    nested = select(around, root, opts)
    assert set(nested) == set(select(whole, root, opts))
    assert any(isinstance(s, BNode) for s in nested.subjects())  # the blank nodes really were nested
    assert len(asked) == len(set(asked))  # each resource read once
    assert json_text(snippet(around, str(root), opts, BASE)) == json_text(snippet(whole, str(root), opts, BASE))


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
