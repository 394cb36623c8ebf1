"""Compressed answers (br, gzip) through the production server: own ETags and 304s per variant, Vary,
answers replayed from memory, HEAD, and Range on the identity encoding.

The raw bytes are read with http.client, which, unlike requests, never decodes them.
"""

from __future__ import annotations

import gzip
import http.client
import json
import threading
from urllib.parse import quote, urlsplit

import brotli
import pytest
from support import LiveServer
from test_asgi_front import request as front_request

from digigov_lod.web.asgi import ReplayingFront
from digigov_lod.web.bridge import ThreadBridge
from digigov_lod.web.compression import Compressor, chosen_encoding
from digigov_lod.web.response_cache import ResponseStore

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}
CONFERENCE = "/doc/event/digigov-2017"
TURTLE_DUMP = "/download/digigov-2017.ttl"
QUERY = "SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name } ORDER BY ?name"


def fetch(server: LiveServer, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and the body exactly as sent."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def sparql_json(query: str) -> str:
    return f"/sparql?query={quote(query)}&format=json"


@pytest.mark.parametrize("path", [CONFERENCE, TURTLE_DUMP, sparql_json(QUERY), "/static/editor.js"])
@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_client_that_asks_gets_a_compressed_variant_with_its_own_etag(
    live_server: LiveServer, path: str, encoding: str
) -> None:
    _, plain_headers, plain = fetch(live_server, path, Accept_Encoding="identity")
    assert "content-encoding" not in plain_headers and "Accept-Encoding" in plain_headers["vary"]
    for _ in range(2):  # the second time from the front's memory: the same answer
        status, headers, body = fetch(live_server, path, Accept_Encoding=f"{encoding}, deflate")
        assert status == 200 and headers["content-encoding"] == encoding
        assert int(headers["content-length"]) == len(body) < len(plain) / 3
        assert DECODE[encoding](body) == plain
        assert headers["etag"] == plain_headers["etag"][:-1] + {"gzip": '-gz"', "br": '-br"'}[encoding]
        assert "Accept-Encoding" in [v.strip() for v in headers["vary"].split(",")]
        assert "accept-ranges" not in headers  # ranges are of the identity encoding


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_if_none_match_matches_the_variant_only(live_server: LiveServer, encoding: str) -> None:
    for path in (CONFERENCE, TURTLE_DUMP, sparql_json(QUERY + " LIMIT 7")):
        _, headers, _ = fetch(live_server, path, Accept_Encoding=encoding)
        for _ in range(2):  # once stored, then replayed: the same 304
            status, not_modified, body = fetch(
                live_server, path, Accept_Encoding=encoding, If_None_Match=headers["etag"]
            )
            assert status == 304 and body == b""
            assert not_modified["etag"] == headers["etag"] and "Accept-Encoding" in not_modified["vary"]
        identity_etag = headers["etag"].rsplit("-", 1)[0] + '"'
        assert fetch(live_server, path, Accept_Encoding=encoding, If_None_Match=identity_etag)[0] == 200
        assert fetch(live_server, path, Accept_Encoding="identity", If_None_Match=headers["etag"])[0] == 200
        assert fetch(live_server, path, Accept_Encoding="identity", If_None_Match=identity_etag)[0] == 304


def test_a_304_for_a_variant_the_front_has_not_stored(live_server: LiveServer) -> None:
    """If-None-Match before the front holds the answer: the compressor answers the 304 itself."""
    path = sparql_json(QUERY + " LIMIT 30")
    _, plain_headers, _ = fetch(live_server, path, Accept_Encoding="identity")
    etag = plain_headers["etag"][:-1] + '-gz"'
    status, headers, _ = fetch(live_server, path, Accept_Encoding="gzip", If_None_Match=etag)
    assert status == 304 and headers["etag"] == etag
    other = sparql_json(QUERY + " LIMIT 32")  # the identity ETag does not name the compressed variant
    _, plain_headers, _ = fetch(live_server, other, Accept_Encoding="identity")
    status, headers, body = fetch(live_server, other, Accept_Encoding="gzip", If_None_Match=plain_headers["etag"])
    assert status == 200 and headers["content-encoding"] == "gzip" and gzip.decompress(body)
    last_modified = plain_headers["last-modified"]
    fresh = sparql_json(QUERY + " LIMIT 31")
    assert fetch(live_server, fresh, Accept_Encoding="br", If_Modified_Since=last_modified)[0] == 304


def test_range_requests_get_the_identity_encoding(live_server: LiveServer) -> None:
    _, _, whole = fetch(live_server, TURTLE_DUMP, Accept_Encoding="identity")
    status, headers, body = fetch(live_server, TURTLE_DUMP, Accept_Encoding="gzip, br", Range="bytes=10-19")
    assert status == 206 and body == whole[10:20] and "content-encoding" not in headers
    assert headers["content-range"] == f"bytes 10-19/{len(whole)}"


def test_head_tells_the_compressed_length(live_server: LiveServer) -> None:
    _, got, body = fetch(live_server, CONFERENCE, Accept_Encoding="br")
    status, head, nothing = fetch(live_server, CONFERENCE, method="HEAD", Accept_Encoding="br")
    assert status == 200 and nothing == b""
    assert head["content-encoding"] == "br" and int(head["content-length"]) == len(body)
    assert head["etag"] == got["etag"]


def test_what_is_not_compressed(live_server: LiveServer) -> None:
    status, headers, body = fetch(live_server, "/robots.txt", Accept_Encoding="gzip")  # too small to gain
    assert status == 200 and "content-encoding" not in headers and int(headers["content-length"]) == len(body)
    status, headers, body = fetch(live_server, TURTLE_DUMP + ".gz", Accept_Encoding="gzip")  # gzip already
    assert status == 200 and "content-encoding" not in headers and gzip.decompress(body)
    status, headers, body = fetch(live_server, CONFERENCE)  # no Accept-Encoding
    assert status == 200 and "content-encoding" not in headers and "Accept-Encoding" in headers["vary"]


def test_digests_describe_the_bytes_sent(live_server: LiveServer) -> None:
    import base64
    import hashlib

    _, headers, body = fetch(live_server, TURTLE_DUMP, Accept_Encoding="gzip")
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert headers["repr-digest"] == f"sha-256=:{digest}:" and headers["digest"] == f"sha-256={digest}"


def test_sparql_clients_still_read_answers(live_server: LiveServer) -> None:
    """Compression is transparent to clients that ask for it (SPARQLWrapper sends no Accept-Encoding)."""
    import requests
    from SPARQLWrapper import JSON, SPARQLWrapper

    answer = requests.get(live_server.url + sparql_json(QUERY)[1:], headers={"Accept-Encoding": "gzip, br"}, timeout=30)
    assert answer.headers["Content-Encoding"] == "br" and answer.json()["head"]["vars"] == ["person", "name"]
    endpoint = SPARQLWrapper(live_server.url + "sparql", returnFormat=JSON)
    endpoint.setQuery(QUERY)
    assert endpoint.queryAndConvert()["results"]["bindings"]


# --- the front itself, with an application that counts its calls ---------------------------------------------------


class CountingWsgi:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        with self.lock:
            self.calls += 1
        body = json.dumps({"rows": list(range(2000))}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                  ("ETag", '"v1"'), ("Vary", "Accept")])  # fmt: skip
        return [body]


def test_the_front_replays_each_encoding_apart_and_answers_304_without_the_application() -> None:
    app = CountingWsgi()
    front = ReplayingFront(ThreadBridge(Compressor(app), 2), ResponseStore(), 1000)
    answers = {}
    for encoding in ("gzip", "br", "identity"):
        for _ in range(3):
            status, headers, body = front_request(front, headers={"Accept-Encoding": encoding})
            assert status == 200
        answers[encoding] = (headers, body)
    assert app.calls == 3, "each encoding once from the application, then from memory"
    assert answers["gzip"][0][b"content-encoding"] == b"gzip" and answers["br"][0][b"content-encoding"] == b"br"
    assert gzip.decompress(answers["gzip"][1]) == brotli.decompress(answers["br"][1]) == answers["identity"][1]
    assert b"content-encoding" not in answers["identity"][0]
    assert answers["gzip"][0][b"etag"] == b'"v1-gz"' and answers["identity"][0][b"etag"] == b'"v1"'
    assert answers["gzip"][0][b"vary"] == b"Accept, Accept-Encoding"
    # Another client's wording of the same choice is the same stored answer.
    assert front_request(front, headers={"Accept-Encoding": "deflate, gzip;q=0.8"})[1][b"etag"] == b'"v1-gz"'
    status, headers, body = front_request(front, headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1-gz"'})
    assert (status, body, headers[b"etag"]) == (304, b"", b'"v1-gz"')
    assert front_request(front, headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1"'})[0] == 200
    assert app.calls == 3


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        (None, ""),
        ("", ""),
        ("identity", ""),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0, br;q=0", ""),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("GZIP;Q=1", "gzip"),
        ("gzip;q=bad", ""),
    ],
)
def test_chosen_encoding(header: str | None, chosen: str) -> None:
    assert chosen_encoding(header) == chosen
