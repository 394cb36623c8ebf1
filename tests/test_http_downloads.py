"""Bulk downloads through real HTTP: headers, validators, 304, HEAD and Range."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest
import requests
from support import LiveServer

#: requests asks for gzip (and br); these tests are about the files as they are (tests/test_http_compression.py
#: checks the compressed answers).
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def dumps(release) -> list:
    return [f for f in release.files() if f.role in ("dump", "dump-gzip", "dataset-dump", "dataset-dump-gzip")]


def test_every_dump_downloads_with_headers(live_server: LiveServer, release, dumps: list) -> None:
    assert len(dumps) == 10  # four graph formats and the N-Quads dataset, each plain and gzipped
    for item in dumps:
        response = requests.get(live_server.url + "download/" + item.name, headers=IDENTITY)  # the file's own bytes
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == item.sha256
        assert int(response.headers["Content-Length"]) == item.bytes
        assert f"filename={item.name}" in response.headers["Content-Disposition"]
        assert response.headers["ETag"].strip('"') == item.sha256
        assert response.headers["Last-Modified"]
        if item.encoding == "gzip":
            assert response.headers["Content-Type"] == "application/gzip"
            assert "Content-Encoding" not in response.headers
            gzip.decompress(response.content)
        else:
            assert response.headers["Content-Type"].startswith(item.media_type)


def test_304_head_and_range(live_server: LiveServer, dumps: list) -> None:
    item = dumps[0]
    url = live_server.url + "download/" + item.name
    first = requests.get(url)
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    head = requests.head(url, headers=IDENTITY)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) == item.bytes
    part = requests.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == first.content[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{item.bytes}"
    assert requests.get(url, headers={"Range": f"bytes={item.bytes + 10}-"}).status_code == 416


def test_listing_and_unknown_file(live_server: LiveServer, dumps: list) -> None:
    listing = requests.get(live_server.url + "download/", headers={"Accept": "application/json"}).json()
    assert {entry["name"] for entry in listing} == {d.name for d in dumps}
    assert requests.get(live_server.url + "download/../manifest.json").status_code == 404
    assert requests.get(live_server.url + "download/nothing.ttl").status_code == 404


def test_landing_page_links(live_server: LiveServer) -> None:
    for lang, words in (("sv", "kunskapsgraf"), ("en", "knowledge graph")):
        page = requests.get(live_server.url, headers={"Accept-Language": lang})
        assert page.status_code == 200 and words in page.text
        for target in ("/sparql", "/download/", "/sparql/examples/", "/catalog"):
            assert f'href="{target}' in page.text, target


def test_landing_page_describes_the_dataset_for_search_engines(live_server: LiveServer, release) -> None:
    from html_safety import inline_scripts
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS

    page = requests.get(live_server.url, headers={"Accept-Language": "en"})
    assert 'rel="alternate"; type="application/rdf+xml"' in page.headers["Link"]
    assert '<link rel="alternate" type="application/rdf+xml" href="/catalog"' in page.text
    ((_, text),) = inline_scripts(page.text)
    dataset = json.loads(text)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    catalog = Graph().parse(release.path / "catalog.ttl", format="turtle")
    titles = {str(t) for d in catalog.subjects(None, DCAT.Dataset) for t in catalog.objects(d, DCTERMS.title)}
    names = dataset["name"] if isinstance(dataset["name"], list) else [dataset["name"]]
    assert {n["@value"] if isinstance(n, dict) else n for n in names} & titles
    downloads = {d["contentUrl"] for d in dataset["distribution"]}
    assert any(url.endswith("/download/digigov-2017.ttl") for url in downloads)


def test_relative_release_folder_as_make_run_uses_it(release) -> None:
    """`make run` serves `dist` relative to the checkout: downloads must still find the files."""
    from support import start_server

    server = start_server(Path(release.path.name), cwd=release.path.parent)
    try:
        item = next(f for f in release.files() if f.role == "dump")
        response = requests.get(server.url + "download/" + item.name, headers=IDENTITY)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == item.sha256
        expected = base64.b64encode(bytes.fromhex(item.sha256)).decode()
        assert response.headers["Digest"] == f"sha-256={expected}"
        assert response.headers["Repr-Digest"] == f"sha-256=:{expected}:"
        assert response.headers["Content-Type"].count("charset") <= 1
    finally:
        server.stop()


def test_format_parameter_wins_over_accept(live_server: LiveServer) -> None:
    listing = requests.get(live_server.url + "download/", params={"format": "json"}, headers={"Accept": "text/csv"})
    assert listing.status_code == 200 and listing.headers["Content-Type"].startswith("application/json")
    error = requests.get(live_server.url + "download/nothing", headers={"Accept": "application/sparql-results+json"})
    assert error.status_code == 404 and error.json()["status"] == 404


def test_range_edge_cases(live_server: LiveServer, dumps: list) -> None:
    item = dumps[0]
    url = live_server.url + "download/" + item.name
    beyond = requests.get(url, headers={"Range": f"bytes={item.bytes + 10}-{item.bytes + 20}"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{item.bytes}"
    for header in ("bytes=0-9,20-29", "items=0-5"):  # several ranges or an unknown unit: the whole file
        whole = requests.get(url, headers={"Range": header})
        assert whole.status_code == 200 and len(whole.content) == item.bytes


def test_range_parsing_follows_rfc_9110(live_server: LiveServer, dumps: list) -> None:
    """Unsatisfiable single ranges get 416 with `Content-Range: bytes */SIZE` (§15.5.17); whatever is
    malformed, or several ranges, is ignored and the whole file sent (§14.2)."""
    item = next(d for d in dumps if d.encoding is None)
    url = live_server.url + "download/" + item.name
    whole = requests.get(url).content
    size = item.bytes
    for header in ("bytes=-0", "bytes=-00", f"bytes={size}-", f"bytes={size}-{size + 5}", f"bytes={size + 10}-"):
        refused = requests.get(url, headers={"Range": header})
        assert refused.status_code == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{size}", header
    for header, expected in (
        ("bytes=0-0", (0, 1)),
        ("bytes=-5", (size - 5, size)),
        (f"bytes=-{size + 100}", (0, size)),  # a suffix longer than the file: all of it (§14.1.3)
        (f"bytes={size - 3}-{size + 100}", (size - 3, size)),
        ("BYTES=1-2", (1, 3)),  # range units are case-insensitive
        ("bytes=1-2,", (1, 3)),  # an empty list element is allowed
        ("bytes=1-2, ,", (1, 3)),
    ):
        part = requests.get(url, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.content == whole[expected[0] : expected[1]], header
        assert part.headers["Content-Range"] == f"bytes {expected[0]}-{expected[1] - 1}/{size}", header
    for header in ("bytes=5-2", "bytes=abc", "bytes=", "bytes=-", "bytes = 1-2", "bytes=+1-2", "bytes=²-3",
                   "bytes=0-1,0-1", "bytes=0-9,20-29", "items=0-5", "bytes"):  # fmt: skip
        ignored = requests.get(url, headers={"Range": header})
        assert ignored.status_code == 200 and ignored.content == whole, header
    head = requests.head(url, headers={"Range": "bytes=0-9"})  # Range is defined for GET only
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size
    stale = requests.get(url, headers={"Range": "bytes=-0", "If-Range": '"not-the-etag"'})
    assert stale.status_code == 200 and stale.content == whole  # If-Range fails: the Range is ignored
