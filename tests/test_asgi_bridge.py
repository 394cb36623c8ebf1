"""The thread bridge runs the WSGI application and hands its answer to the event loop whole,
or chunk by chunk once it is too large to hold."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from digigov_lod.web import bridge
from digigov_lod.web.bridge import ThreadBridge


def wsgi_echo(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Answers with the request body and a few facts of the environ, in two chunks."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])
    return [b"got:", body + b"|" + environ["QUERY_STRING"].encode()]


def run(app: Callable, scope_extra: dict | None = None, body: bytes = b"") -> list[dict]:
    scope = {
        "type": "http", "method": "POST" if body else "GET", "scheme": "http", "path": "/a b",
        "query_string": b"x=1", "http_version": "1.1", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5),
        "headers": [(b"host", b"example.org")] + ([(b"content-length", str(len(body)).encode())] if body else []),
        **(scope_extra or {}),
    }  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(ThreadBridge(app, threads=2)(scope, receive, send))
    return sent


def test_a_small_answer_crosses_once() -> None:
    sent = run(wsgi_echo, body=b"query=ASK%7B%7D")
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 201 and (b"x-path", b"/a b") in sent[0]["headers"]
    assert sent[1]["body"] == b"got:query=ASK%7B%7D|x=1" and not sent[1].get("more_body")


def test_a_large_answer_is_streamed_in_order(monkeypatch) -> None:
    monkeypatch.setattr(bridge, "BUFFER_BYTES", 1000)
    pieces = [bytes([65 + n % 26]) * 300 for n in range(20)]

    def large(environ: dict, start_response: Callable) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", str(300 * 20))])
        return iter(pieces)

    sent = run(large)
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert sent[0]["type"] == "http.response.start" and len(bodies) > 2
    assert b"".join(m["body"] for m in bodies) == b"".join(pieces)
    assert all(m.get("more_body") for m in bodies[:-1]) and not bodies[-1].get("more_body")


def test_lifespan_is_acknowledged() -> None:
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(ThreadBridge(wsgi_echo, threads=1)({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
