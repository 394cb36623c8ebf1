"""The ASGI front answers repeated requests from memory, exactly as the application did.

The downstream application here counts its calls, so each test can tell a replay from a pass-through.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from digigov_lod.web.asgi import ReplayingFront
from digigov_lod.web.response_cache import MAX_BODY_BYTES, ResponseStore

ETAG = '"v1-json"'


class CountingApp:
    """Answers 200 with an ETag (or what the test sets), in ``chunks`` pieces."""

    def __init__(self, body: bytes = b'{"ok": true}', status: int = 200, etag: str | None = ETAG, chunks: int = 1):
        self.calls = 0
        self.body, self.status, self.etag, self.chunks = body, status, etag, chunks

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.calls += 1
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode()),
                   (b"date", f"call {self.calls}".encode())]  # fmt: skip
        if self.etag:
            headers.append((b"etag", self.etag.encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        step = max(1, len(self.body) // self.chunks)
        pieces = [self.body[i : i + step] for i in range(0, len(self.body), step)] or [b""]
        for n, piece in enumerate(pieces):
            await send({"type": "http.response.body", "body": piece, "more_body": n < len(pieces) - 1})


def request(front: ReplayingFront, method: str = "GET", path: str = "/sparql", query: bytes = b"query=ASK%7B%7D",
            headers: dict[str, str] | None = None) -> tuple[int, dict[bytes, bytes], bytes]:  # fmt: skip
    """One request through ``front``: status, headers and the whole body."""
    scope = {
        "type": "http", "method": method, "scheme": "http", "path": path, "query_string": query,
        "headers": [(b"host", b"127.0.0.1")] + [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
    }  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(front(scope, receive, send))
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def front_for(app: CountingApp) -> ReplayingFront:
    return ReplayingFront(app, ResponseStore())


def test_a_repeated_get_is_replayed_byte_for_byte() -> None:
    app = CountingApp(chunks=3, body=b"0123456789" * 10)
    front = front_for(app)
    status, headers, body = request(front)
    assert headers.pop(b"date") == b"call 1"
    assert request(front) == (status, headers, body) and app.calls == 1  # the server dates a replay afresh
    assert request(front, query=b"query=ASK%7B%3Fs%3Fp%3Fo%7D")[0] == 200 and app.calls == 2  # another URL


def test_variants_by_accept_and_language_are_kept_apart() -> None:
    app = CountingApp()
    front = front_for(app)
    request(front, headers={"accept": "application/json"})
    request(front, headers={"accept": "text/html"})
    request(front, headers={"accept": "text/html", "accept-language": "sv"})
    assert app.calls == 3
    request(front, headers={"accept": "text/html", "accept-language": "sv"})
    assert app.calls == 3


def test_head_and_if_none_match_are_answered_from_memory() -> None:
    app = CountingApp()
    front = front_for(app)
    _, headers, body = request(front)
    status, head_headers, head_body = request(front, "HEAD")
    assert (status, head_body, head_headers[b"content-length"]) == (200, b"", headers[b"content-length"])
    status, not_modified, body = request(front, headers={"if-none-match": ETAG})
    assert status == 304 and body == b"" and not_modified[b"etag"] == ETAG.encode()
    assert b"content-length" not in not_modified
    status, _, body = request(front, headers={"if-none-match": '"other"'})
    assert status == 200 and body == b'{"ok": true}'
    assert app.calls == 1


@pytest.mark.parametrize("header", ["range", "if-modified-since", "cookie", "authorization"])
def test_requests_the_store_does_not_model_always_reach_the_app(header: str) -> None:
    app = CountingApp()
    front = front_for(app)
    request(front)
    request(front, headers={header: "x"})
    assert app.calls == 2


@pytest.mark.parametrize(
    "app",
    [CountingApp(status=404), CountingApp(etag=None), CountingApp(body=b"x" * (MAX_BODY_BYTES + 1), chunks=4)],
    ids=["not-200", "no-etag", "too-large"],
)
def test_only_small_complete_200s_with_an_etag_are_kept(app: CountingApp) -> None:
    front = front_for(app)
    first, second = request(front), request(front)
    assert (first[0], first[2]) == (second[0], second[2]) == (app.status, app.body)  # passed through whole
    assert second[1][b"date"] == b"call 2" and app.calls == 2


def test_posts_are_never_replayed() -> None:
    app = CountingApp()
    front = front_for(app)
    request(front, "POST")
    request(front, "POST")
    assert app.calls == 2


def test_a_url_the_wsgi_app_cannot_take_is_refused_with_400() -> None:
    app = CountingApp()
    front = front_for(app)
    status, headers, body = request(front, query=b"query=\xff")
    assert status == 400 and b"UTF-8" in body and headers[b"content-type"].startswith(b"text/plain")
    status, _, _ = request(front, path="/doc/\udcff")
    assert status == 400 and app.calls == 0
