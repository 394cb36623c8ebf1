"""The catalog blueprint alone in a minimal Flask app: negotiation, suffixes, HEAD, validators."""

from __future__ import annotations

import pytest
from flask import Flask
from rdflib import Graph

from digigov_lod.config import Settings
from digigov_lod.release import Release
from digigov_lod.sparql.store import Store
from digigov_lod.web.catalog import blueprint
from digigov_lod.web.site import Site


@pytest.fixture(scope="module")
def client(release: Release, project_settings: Settings):  # type: ignore[no-untyped-def]
    store = Store(release, project_settings, pool_size=1)
    app = Flask(__name__)
    app.extensions["digigov"] = Site(project_settings, release, store)
    app.register_blueprint(blueprint)
    yield app.test_client()
    store.close()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/rdf+xml"),
        ("*/*", "application/rdf+xml"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
        ("application/xml", "application/rdf+xml"),
    ],
)
def test_catalog_negotiates_rdfxml_by_default(client, release: Release, accept, media_type) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/catalog", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    ext = {"application/rdf+xml": "rdf", "text/turtle": "ttl", "application/ld+json": "jsonld"}.get(media_type, "nt")
    assert response.data == (release.path / f"catalog.{ext}").read_bytes()
    assert response.headers["Content-Location"] == f"/catalog.{ext}"


def test_catalog_suffixes_and_format_parameter(client) -> None:  # type: ignore[no-untyped-def]
    for suffix, media_type in (
        ("rdf", "application/rdf+xml"),
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
    ):
        response = client.get(f"/catalog.{suffix}")
        assert response.status_code == 200 and response.mimetype == media_type
    assert client.get("/catalog?format=ttl").mimetype == "text/turtle"
    assert client.get("/catalog.csv").status_code == 404
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_head_etag_and_304(client) -> None:  # type: ignore[no-untyped-def]
    get = client.get("/catalog")
    head = client.head("/catalog")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(get.data)
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]
    again = client.get("/catalog", headers={"If-None-Match": get.headers["ETag"]})
    assert again.status_code == 304
    turtle = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert turtle.headers["ETag"] != get.headers["ETag"]


def test_void_sitemap_robots(client, release: Release) -> None:  # type: ignore[no-untyped-def]
    void = client.get("/.well-known/void")
    assert void.mimetype == "text/turtle"
    assert len(Graph().parse(data=void.data, format="turtle")) > 0
    assert client.get("/.well-known/void", headers={"Accept": "application/n-triples"}).mimetype == (
        "application/n-triples"
    )
    assert client.get("/.well-known/void.nt").status_code == 200
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.mimetype == "application/xml"
    # sitemaps and robots.txt are only valid on the serving host: the base is mapped onto it
    published = (release.path / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.get_data(as_text=True) == published.replace(release.base_iri, "http://localhost/")
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in robots.get_data(as_text=True)
    assert "Disallow: /sparql?" in robots.get_data(as_text=True)  # queries, not the query page or examples
    assert client.head("/sitemap.xml").status_code == 200
