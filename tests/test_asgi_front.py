"""The ASGI front answers repeated requests from memory, exactly as the application did.

The downstream application here counts its calls, so each test can tell a replay from a pass-through.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from digigov_lod.web import asgi
from digigov_lod.web.asgi import ReplayingFront
from digigov_lod.web.response_cache import MAX_BODY_BYTES, ResponseStore

ETAG = '"v1-json"'
MAX_REQUEST_BODY = 1000


class CountingApp:
    """Answers 200 with an ETag (or what the test sets), in ``chunks`` pieces."""

    def __init__(self, body: bytes = b'{"ok": true}', status: int = 200, etag: str | None = ETAG, chunks: int = 1):
        self.calls = 0
        self.body, self.status, self.etag, self.chunks = body, status, etag, chunks

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.calls += 1
        self.scope = scope
        self.received = b""
        if scope["method"] == "POST":
            while True:
                message = await receive()
                self.received += message.get("body", b"")
                if not message.get("more_body"):
                    break
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode()),
                   (b"date", f"call {self.calls}".encode())]  # fmt: skip
        if self.etag:
            headers.append((b"etag", self.etag.encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        step = max(1, len(self.body) // self.chunks)
        pieces = [self.body[i : i + step] for i in range(0, len(self.body), step)] or [b""]
        for n, piece in enumerate(pieces):
            await send({"type": "http.response.body", "body": piece, "more_body": n < len(pieces) - 1})


def request(
    front: ReplayingFront,
    method: str = "GET",
    path: str = "/sparql",
    query: bytes = b"query=ASK%7B%7D",
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    body: list[bytes] | None = None,
    host: str | None = "127.0.0.1",
    server: tuple[str, int] = ("127.0.0.1", 8000),
    version: str = "1.1",
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request through ``front``: status, headers and the whole body. ``body`` arrives in the
    chunks given (``None`` in the list: the client stops sending)."""
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    scope = {
        "type": "http", "method": method, "scheme": "http", "path": path, "query_string": query, "server": server,
        "http_version": version,
        "headers": ([(b"host", host.encode())] if host else []) + [(k.encode(), v.encode()) for k, v in pairs],
    }  # fmt: skip
    sent: list[dict] = []
    pieces = list(body or [b""])

    async def receive() -> dict:
        if not pieces:
            await asyncio.sleep(3600)  # nothing more ever comes
        piece = pieces.pop(0)
        if piece is None:
            await asyncio.sleep(3600)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(front(scope, receive, send))
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def front_for(app: CountingApp) -> ReplayingFront:
    return ReplayingFront(app, ResponseStore(), max_body_bytes=MAX_REQUEST_BODY)


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


@pytest.mark.parametrize(
    "header", ["range", "if-match", "if-modified-since", "if-unmodified-since", "cookie", "authorization"]
)
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


def test_repeated_negotiation_headers_are_keyed_as_the_application_sees_them() -> None:
    app = CountingApp()
    front = front_for(app)
    request(front, headers=[("accept", "text/html"), ("accept", "*/*")])  # WSGI joins them: "text/html,*/*"
    request(front, headers={"accept": "*/*"})
    assert app.calls == 2  # not the first client's answer
    request(front, headers={"accept": "text/html,*/*"})
    assert app.calls == 2  # the same request as the first


def test_http10_requests_without_host_are_keyed_by_the_address_they_reached() -> None:
    app = CountingApp()
    front = front_for(app)
    request(front, host=None, server=("127.0.0.2", 8000), version="1.0")
    request(front, host=None, server=("127.0.0.1", 8000), version="1.0")
    assert app.calls == 2


def test_http11_requests_without_host_are_refused() -> None:
    app = CountingApp()
    status, _, text = request(front_for(app), host=None)
    assert status == 400 and b"Host" in text and app.calls == 0


def test_a_304_from_memory_keeps_the_cors_headers() -> None:
    class CorsApp(CountingApp):
        async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
            async def with_cors(message: dict) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message["headers"], (b"access-control-allow-origin", b"*")]
                await send(message)

            await super().__call__(scope, receive, with_cors)

    front = front_for(CorsApp())
    request(front)
    status, headers, _ = request(front, headers={"if-none-match": ETAG})
    assert status == 304 and headers[b"access-control-allow-origin"] == b"*"


@pytest.mark.parametrize("framing", ["content-length", "transfer-encoding"])
def test_a_body_is_read_whole_and_handed_on_with_its_length(framing: str) -> None:
    app = CountingApp()
    front = front_for(app)
    chunks = [b"query=", b"ASK", b"%7B%7D"]
    header = ("content-length", "15") if framing == "content-length" else ("transfer-encoding", "chunked")
    status, _, _ = request(front, "POST", headers=[header], body=chunks)
    assert status == 200 and app.received == b"query=ASK%7B%7D"
    assert (b"content-length", b"15") in app.scope["headers"]
    assert all(name != b"transfer-encoding" for name, _ in app.scope["headers"])


def test_a_body_over_the_limit_is_refused_before_the_application_sees_it() -> None:
    app = CountingApp()
    front = front_for(app)
    status, _, text = request(front, "POST", headers={"content-length": str(MAX_REQUEST_BODY + 1)})
    assert status == 413 and b"limit" in text
    status, _, _ = request(front, "POST", headers={"transfer-encoding": "chunked"}, body=[b"x" * 600, b"x" * 600])
    assert status == 413 and app.calls == 0


def test_a_body_that_stops_arriving_gets_408(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asgi, "BODY_SECONDS", 0.2)
    app = CountingApp()
    front = front_for(app)
    status, _, text = request(front, "POST", headers={"content-length": "40"}, body=[b"abc", None])
    assert status == 408 and b"did not arrive" in text and app.calls == 0


def test_the_fronts_own_answers_carry_the_security_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    """They may quote what the client sent: no browser may sniff them into a page or pass on the referrer."""
    monkeypatch.setattr(asgi, "BODY_SECONDS", 0.2)
    front = front_for(CountingApp())
    answers = [
        request(front, host=None),  # 400
        request(front, "POST", headers={"content-length": str(MAX_REQUEST_BODY + 1)}),  # 413
        request(front, "POST", headers={"content-length": "40"}, body=[b"abc", None]),  # 408
    ]
    assert [status for status, _, _ in answers] == [400, 413, 408]
    for _, headers, _ in answers:
        assert headers[b"x-content-type-options"] == b"nosniff"
        assert headers[b"referrer-policy"] == b"no-referrer"
        assert headers[b"content-security-policy"].startswith(b"default-src 'none'")
