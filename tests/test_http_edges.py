"""The production server at the edges of HTTP/1.1: half-closed requests, slow headers, gunicorn's own answers.

Raw sockets, because an HTTP client library would not send these requests.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from support import LiveServer, start_server

from digigov_lod.release import Release

HEADER_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def server(release: Release) -> Iterator[LiveServer]:
    live = start_server(release.path, DIGIGOV_HEADER_TIMEOUT=str(HEADER_TIMEOUT_S))
    yield live
    live.stop()


def connect(server: LiveServer) -> socket.socket:
    host, port = server.url.split("//")[1].strip("/").split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def head_of(answer: bytes) -> tuple[str, dict[str, str]]:
    """The status line and the headers (lower-case names) of a raw answer."""
    lines = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return lines[0], {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /robots.txt HTTP/1.1\r\nHost: example.org\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D&half-closed=1 HTTP/1.1\r\nHost: example.org\r\nAccept: application/json\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: example.org\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 5\r\n\r\nASK{}",
    ],
    ids=["replayable", "through-the-app", "with-a-body"],
)
def test_a_half_closed_request_gets_its_answer(server: LiveServer, request_bytes: bytes) -> None:
    """The client sends its request whole and shuts its sending side: the answer still comes, then the close."""
    for _ in range(2):  # the first answer may come from the app, the second from memory
        with connect(server) as sock:
            sock.sendall(request_bytes)
            sock.shutdown(socket.SHUT_WR)
            answer = read_to_end(sock)  # the server closes (else the socket's timeout fails the test)
        status, headers = head_of(answer)
        assert status == "HTTP/1.1 200 OK", status
        assert len(answer.split(b"\r\n\r\n", 1)[1]) == int(headers["content-length"])  # the whole answer
        # "Connection: close" only when the server saw the half-close before it answered: a matter of timing
        assert headers.get("connection", "close") == "close"


def test_a_request_with_an_incomplete_header_is_answered_408_in_time(server: LiveServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: example.org\r\nAccept: te")  # and nothing more
        started = time.monotonic()
        answer = read_to_end(sock)
        waited = time.monotonic() - started
    status, headers = head_of(answer)
    assert status.startswith("HTTP/1.1 408"), answer
    assert headers["x-content-type-options"] == "nosniff"
    assert HEADER_TIMEOUT_S * 0.8 < waited < HEADER_TIMEOUT_S + 5


def test_a_connection_that_never_sends_a_request_is_closed_in_time(server: LiveServer) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        answer = read_to_end(sock)
        assert time.monotonic() - started < HEADER_TIMEOUT_S + 5
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


def test_a_header_sent_slowly_but_in_time_is_served(server: LiveServer) -> None:
    with connect(server) as sock:
        for piece in (b"GET /robots.txt HTTP/1.1\r\n", b"Host: example.org\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(HEADER_TIMEOUT_S / 4)
        status, _ = head_of(read_to_end(sock))
    assert status == "HTTP/1.1 200 OK"


def test_a_kept_alive_connection_waits_for_its_next_request_as_before(server: LiveServer) -> None:
    """The header time limit counts from a request's first byte, not from the previous answer."""
    with connect(server) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: example.org\r\n\r\n")
        first = sock.recv(65536)
        time.sleep(HEADER_TIMEOUT_S * 1.5)  # idle, within the keep-alive time (5 s)
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n")
        second = read_to_end(sock)
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /<script>alert(1)</script> HTTP/1.1\r\nHost: example.org\r\nBad<script>: x\r\n\r\n", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: example.org\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: example.org\r\nX-Big: " + b"<script>" * 2000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n\r\n", 400),  # the front's own: no Host
        (b"POST /sparql HTTP/1.1\r\nHost: example.org\r\nContent-Length: 99999999\r\n\r\n", 413),  # the front's
    ],
    ids=["bad-header-name", "long-request-line", "long-header", "no-host", "body-too-large"],
)
def test_error_answers_from_the_server_itself_carry_the_security_headers(
    server: LiveServer, request_bytes: bytes, status: int
) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        answer = sock.recv(65536)
    status_line, headers = head_of(answer)
    assert status_line.startswith(f"HTTP/1.1 {status}"), answer[:200]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
