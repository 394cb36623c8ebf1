"""A damaged release on the production server: checked against its manifest, refused with a 503, never
served under the manifest's checksums, and never a server path in an answer."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import LiveServer, start_server

from digigov_lod.release import DamagedFile, Release

TTL, NT = "digigov-2017.ttl", "digigov-2017.nt"
#: How a client may ask for an error: each must give a readable message without the server's paths.
ERROR_ACCEPTS = (
    {"Accept": "text/html", "Accept-Language": "sv"},
    {"Accept": "text/html", "Accept-Language": "en"},
    {"Accept": "application/json"},
    {"Accept": "text/plain"},
)


@pytest.fixture
def copy(tmp_path: Path, release: Release) -> Path:
    """The session's release, copied so that a test may damage it."""
    target = tmp_path / "dist"
    shutil.copytree(release.path, target)
    return target


@pytest.fixture
def served(copy: Path) -> Iterator[LiveServer]:
    server = start_server(copy)
    yield server
    server.stop()


def overwrite_64_bytes(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"X" * 64)


def assert_refused(url: str, copy: Path, name: str) -> None:
    """A 503 that names the file, in every format and language, without a path of the server."""
    for headers in ERROR_ACCEPTS:
        response = requests.get(url, headers=headers)
        assert response.status_code == 503, (url, response.status_code)
        assert name in response.text
        for secret in (str(copy), str(copy.resolve()), str(copy.parent)):
            assert secret not in response.text, f"{url} shows the server path {secret}"
        assert "XXXXXXXX" not in response.text
        assert "ETag" not in response.headers and "Repr-Digest" not in response.headers
        if headers.get("Accept-Language") == "sv":
            assert "skadad" in response.text
        if headers["Accept"] == "application/json":
            assert response.json()["status"] == 503


def test_files_damaged_before_the_server_starts_are_refused_and_the_rest_is_served(copy: Path) -> None:
    overwrite_64_bytes(copy / TTL)
    (copy / "digigov-2017.nt.gz").unlink()
    (copy / "digigov-2017.rdf.gz").unlink()
    (copy / "digigov-2017.rdf.gz").symlink_to(copy / "nowhere")  # a link to nothing
    (copy / "digigov-2017.jsonld.gz").unlink()
    (copy / "digigov-2017.jsonld.gz").mkdir()  # not a file at all (unreadable even for root)
    (copy / "catalog.ttl").write_bytes(b"")
    server = start_server(copy)
    try:
        for name in (TTL, "digigov-2017.nt.gz", "digigov-2017.rdf.gz", "digigov-2017.jsonld.gz"):
            assert_refused(server.url + "download/" + name, copy, name)
            ranged = requests.get(server.url + "download/" + name, headers={"Range": "bytes=990-1070"})
            assert ranged.status_code == 503 and b"XXXX" not in ranged.content
            assert requests.head(server.url + "download/" + name).status_code == 503
        intact = Release.open(copy).file("digigov-2017.ttl.gz")
        assert intact is not None
        whole = requests.get(server.url + "download/" + intact.name)
        assert whole.status_code == 200 and hashlib.sha256(whole.content).hexdigest() == intact.sha256
        assert_refused(server.url + "catalog.ttl", copy, "catalog.ttl")  # the catalog's other formats are intact
        assert_refused(server.url, copy, "catalog.ttl")  # the start page is made from catalog.ttl
        assert requests.get(server.url + "catalog.rdf").status_code == 200
        assert requests.get(server.url + "sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        assert requests.get(server.url + "doc/event/digigov-2017").status_code == 200
    finally:
        server.stop()


def test_a_damaged_knowledge_graph_gives_503s_not_a_crash(copy: Path) -> None:
    """The graph cannot be loaded: pages about things, embeds and SPARQL say so; intact parts stay."""
    overwrite_64_bytes(copy / NT)
    server = start_server(copy)
    try:
        for path in ("doc/event/digigov-2017", "id/event/digigov-2017", "embed/event/digigov-2017", "sparql"):
            assert_refused(server.url + path, copy, NT)
        assert_refused(server.url + "sparql?query=ASK%20%7B%7D", copy, NT)
        assert_refused(server.url + "download/" + NT, copy, NT)
        assert requests.get(server.url).status_code == 200
        assert requests.get(server.url + "download/" + TTL).status_code == 200
        assert requests.get(server.url + "catalog").status_code == 200
    finally:
        server.stop()


def test_files_damaged_while_serving_are_refused_from_then_on(served: LiveServer, copy: Path) -> None:
    """A release folder is immutable, but a disk, a script or a person may still change it: every use
    of a file that changed on disk checks it again."""
    overwrite_64_bytes(copy / TTL)
    assert_refused(served.url + "download/" + TTL, copy, TTL)
    (copy / "digigov-2017.ttl.gz").unlink()
    assert_refused(served.url + "download/digigov-2017.ttl.gz", copy, "digigov-2017.ttl.gz")
    (copy / NT).unlink()
    (copy / NT).mkdir()  # an N-Triples file nobody can read, root included
    assert_refused(served.url + "sparql?query=ASK%20%7B%7D", copy, NT)
    assert requests.get(served.url + "download/digigov-2017.rdf").status_code == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode: the directory above is that case")
def test_an_unreadable_file_is_refused_without_its_path(served: LiveServer, copy: Path) -> None:
    (copy / "catalog.nt").chmod(0)
    assert_refused(served.url + "sparql?query=ASK%20%7B%7D", copy, "catalog.nt")


def test_a_restored_file_is_served_again(served: LiveServer, copy: Path, release: Release) -> None:
    (copy / "void.ttl").write_bytes(b"")
    assert_refused(served.url + ".well-known/void.ttl", copy, "void.ttl")
    shutil.copyfile(release.path / "void.ttl", copy / "void.ttl")
    assert requests.get(served.url + ".well-known/void.ttl").status_code == 200


def test_an_engine_that_cannot_load_the_release_does_not_show_server_paths(copy: Path) -> None:
    """A file that matches its manifest but that the engine cannot load (here: a broken catalog.nt with a
    manifest to match) ends in the engine's failure: the answer says so without the engine's details."""
    broken = b"<http://example.org/s> <http://example.org/p> this is not N-Triples .\n"
    (copy / "catalog.nt").write_bytes(broken)
    manifest = json.loads((copy / "manifest.json").read_text())
    for item in manifest["files"]:
        if item["name"] == "catalog.nt":
            item.update(bytes=len(broken), sha256=hashlib.sha256(broken).hexdigest())
    (copy / "manifest.json").write_text(json.dumps(manifest))
    server = start_server(copy)
    try:
        for headers in (*ERROR_ACCEPTS[:2], {"Accept": "application/sparql-results+json"}, {}):
            response = requests.get(server.url + "sparql", params={"query": "ASK {}"}, headers=headers)
            assert response.status_code >= 500
            assert str(copy.parent) not in response.text and "catalog.nt" not in response.text
    finally:
        server.stop()


def test_a_damaged_file_is_logged_once(copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    overwrite_64_bytes(copy / TTL)
    opened = Release.open(copy)
    with caplog.at_level(logging.INFO, logger="digigov_lod.release"):
        assert opened.verify() == {TTL: "SHA-256 differs"}
        for _ in range(3):
            with pytest.raises(DamagedFile):
                opened.require(TTL)
    damaged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(damaged) == 1 and TTL in damaged[0]


def test_an_unreadable_file_counts_as_damaged_even_where_root_could_read_it(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What chmod 000 does to a server that is not root, without needing one."""
    import digigov_lod.release as release_module

    def refuse(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(release_module, "sha256_of", refuse)
    opened = Release.open(copy)
    assert opened.verify()["catalog.nt"] == "unreadable: Permission denied"
    with pytest.raises(DamagedFile) as refused:
        opened.require("catalog.nt")
    assert str(copy) not in str(refused.value) and "catalog.nt" in str(refused.value)
