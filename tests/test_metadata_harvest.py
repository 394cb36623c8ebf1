"""A harvest as the portals do it, through real HTTP on 127.0.0.1.

Sveriges dataportal fetches the catalog as RDF/XML with HEAD then GET (ckanext-dcat reads the
format from Content-Type), follows every distribution and checks it; every URL in the catalog,
the VoID description and the sitemap must answer 200 (the base IRI mapped onto the test server).
Run twice: against ``create_app`` served by werkzeug in a thread, and against the shared gunicorn
``live_server`` fixture (the deployed configuration).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, VOID
from werkzeug.serving import make_server

from digigov_lod.config import Settings
from digigov_lod.namespaces import SPDX
from digigov_lod.release import Release
from digigov_lod.web import create_app
from digigov_lod.web.catalog import blueprint as catalog_blueprint


@dataclass
class Server:
    url: str
    base: str

    def local(self, iri: str) -> str:
        return self.url + iri[len(self.base) :] if iri.startswith(self.base) else iri


@pytest.fixture(scope="module")
def werkzeug_server(release: Release, project_settings: Settings) -> Iterator[Server]:
    app = create_app(project_settings, release.path)
    if "catalog" not in app.blueprints:  # in case web/blueprints.py stops registering it
        app.register_blueprint(catalog_blueprint)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_port}/", release.base_iri)
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(params=[pytest.param("werkzeug", marks=pytest.mark.slow), "gunicorn"])  # as deployed in the fast loop
def server(request: pytest.FixtureRequest) -> Server:
    """The app in a werkzeug thread, and as deployed: gunicorn (the shared ``live_server`` fixture)."""
    if request.param == "werkzeug":
        return request.getfixturevalue("werkzeug_server")
    live = request.getfixturevalue("live_server")
    return Server(live.url, live.base)


def test_harvest_catalog_as_rdfxml_and_follow_every_distribution(server: Server) -> None:
    head = requests.head(server.url + "catalog", timeout=10)
    assert head.status_code == 200
    assert head.headers["Content-Type"].startswith("application/rdf+xml")
    response = requests.get(server.url + "catalog", timeout=10)
    assert response.status_code == 200 and response.headers["ETag"] == head.headers["ETag"]
    catalog = Graph().parse(data=response.content, format="xml")
    assert (None, RDF.type, DCAT.Catalog) in catalog

    downloads = list(catalog.subject_objects(DCAT.downloadURL))
    assert len(downloads) == 8
    for dist, url in downloads:
        local = server.local(str(url))
        head = requests.head(local, timeout=10)
        assert head.status_code == 200, local
        media = str(catalog.value(dist, DCAT.compressFormat) or catalog.value(dist, DCAT.mediaType))
        assert media.endswith("/" + head.headers["Content-Type"].split(";")[0].strip()), (local, media)
        body = requests.get(local, timeout=10).content
        assert len(body) == int(catalog.value(dist, DCAT.byteSize)), local
        checksum = catalog.value(dist, SPDX.checksum)
        assert hashlib.sha256(body).hexdigest() == str(catalog.value(checksum, SPDX.checksumValue)), local
        rdf = gzip.decompress(body) if catalog.value(dist, DCAT.compressFormat) else body
        fmt = str(catalog.value(dist, DCAT.mediaType)).split("/media-types/")[1]
        assert len(Graph().parse(data=rdf, format=fmt)) > 0, local


def _urls_in(graph: Graph, base: str) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(base)}


def test_every_url_in_catalog_void_and_sitemap_answers_200(server: Server) -> None:
    catalog = Graph().parse(data=requests.get(server.url + "catalog.ttl", timeout=10).content, format="turtle")
    void_response = requests.get(server.url + ".well-known/void", timeout=10)
    assert void_response.headers["Content-Type"].startswith("text/turtle")
    void = Graph().parse(data=void_response.content, format="turtle")
    sitemap = requests.get(server.url + "sitemap.xml", timeout=10)
    assert sitemap.status_code == 200
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in ET.fromstring(sitemap.content).findall("sm:url/sm:loc", ns)}
    urls = _urls_in(catalog, server.base) | _urls_in(void, server.base) | locs
    for url in sorted({u.split("#", 1)[0] for u in urls}):
        local = server.local(url)
        response = requests.get(local, timeout=10, allow_redirects=True)
        assert response.status_code == 200, f"{url} → {local}: {response.status_code}"
    (dataset,) = void.subjects(RDF.type, VOID.Dataset)
    assert requests.head(server.local(str(void.value(dataset, VOID.sparqlEndpoint))), timeout=10).status_code in (
        200,
        400,  # a SPARQL endpoint may ask for a query; the service description needs Accept
    )
    assert requests.get(server.url + "robots.txt", timeout=10).text.count("Sitemap:") == 1
