"""The production entry point: gunicorn's asyncio (ASGI) worker, with replayed answers on the event loop.

Most requests to a published release repeat earlier ones (the example queries, popular pages, the
catalog), and their answers are immutable. Answering those on the event loop, without handing the
request to a thread, is what lets one Python process keep up with a native SPARQL server. Every
other request goes, through a pool of threads, to the same Flask application that
``digigov-lod serve`` runs, and its finished 200 responses are kept for the next time.

    gunicorn --config python:digigov_lod.web.gunicorn_conf 'digigov_lod.web.asgi:create_asgi_app_from_environment()'
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from a2wsgi import WSGIMiddleware

from ..config import Settings, from_environment
from . import create_app
from .response_cache import KEY_HEADERS, MAX_BODY_BYTES, ResponseStore, raw

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_THREADS = 8
_KEY_HEADERS = tuple(h.encode() for h in KEY_HEADERS)


class ReplayingFront:
    """Answers what ``store`` holds on the event loop; passes the rest to ``app`` and keeps its answers."""

    def __init__(self, app: AsgiApp, store: ResponseStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan: the bridge acknowledges it
            return
        problem = unusable_url(scope)
        if problem:
            await send_text(send, 400, problem)
            return
        headers = {name: value for name, value in scope["headers"]}  # names arrive lower-case
        method = scope["method"]
        if not self.store.usable(method, (name.decode("latin-1") for name in headers)):
            await self.app(scope, receive, send)
            return
        key = (
            scope.get("scheme", "http"),
            headers.get(b"host", b""),
            scope["path"],
            scope["query_string"],
            *(headers.get(name, b"") for name in _KEY_HEADERS),
        )
        stored = self.store.get(key)
        if stored is not None:
            if_none_match = headers.get(b"if-none-match")
            if if_none_match is None:  # the usual case: the whole answer again
                await send({"type": "http.response.start", "status": stored.status, "headers": stored.raw_headers})
                await send({"type": "http.response.body", "body": stored.body if method == "GET" else b""})
                return
            status, _, replayed, with_body = self.store.replay(stored, if_none_match.decode("latin-1"))
            await send({"type": "http.response.start", "status": status, "headers": raw(replayed)})
            await send({"type": "http.response.body", "body": stored.body if with_body and method == "GET" else b""})
            return
        if method == "HEAD" or b"if-none-match" in headers:
            await self.app(scope, receive, send)
            return
        await self._record(key, scope, receive, send)

    async def _record(self, key: tuple, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and keep a copy of a small complete answer."""
        start: Message = {}
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and size <= MAX_BODY_BYTES:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False) and size <= MAX_BODY_BYTES:
                    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
                    self.store.put(key, start.get("status", 0), "", headers, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)


def unusable_url(scope: Scope) -> str | None:
    """Why the request's URL cannot be handed to a WSGI application, if it cannot."""
    try:
        scope["path"].encode("utf-8")
        scope["query_string"].decode("ascii")
    except UnicodeError:
        return "The URL must be valid UTF-8, with anything outside ASCII percent-encoded."
    return None


async def send_text(send: Send, status: int, text: str) -> None:
    body = f"{status}: {text}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_asgi_app(settings: Settings | None = None, release_dir: Path | None = None, threads: int = DEFAULT_THREADS):
    """The site for ``release_dir`` as an ASGI application (see the module docstring)."""
    wsgi = create_app(settings, release_dir, response_cache=False)
    return ReplayingFront(WSGIMiddleware(wsgi, workers=threads), ResponseStore())  # type: ignore[arg-type]


def create_asgi_app_from_environment() -> ReplayingFront:
    """Entry point for gunicorn's ``asgi`` worker; ``DIGIGOV_WEB_THREADS`` sets the thread pool."""
    release = os.environ.get("DIGIGOV_RELEASE_DIR")
    threads = int(os.environ.get("DIGIGOV_WEB_THREADS", str(DEFAULT_THREADS)))
    return create_asgi_app(from_environment(), Path(release) if release else None, threads)
