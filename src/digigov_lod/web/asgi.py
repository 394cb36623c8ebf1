"""The production entry point: gunicorn's asyncio (ASGI) worker, with replayed answers on the event loop.

Most requests to a published release repeat earlier ones (the example queries, popular pages, the
catalog), and their answers are immutable. Answering those on the event loop, without handing the
request to a thread, is what lets one Python process keep up with a native SPARQL server. A plain
query the server has not seen is answered on the event loop too (:mod:`.sparql_fast`). Every
other request goes, through a pool of threads, to the same Flask application that
``digigov-lod serve`` runs; what may be replayed (see :mod:`.response_cache`) is kept on the way.

A request body is read whole on the event loop, within a size limit and a time limit, before a
thread takes the request: a client that sends its body slowly or never costs no thread, and a
chunked body reaches the application with its length.

    gunicorn --config python:digigov_lod.web.gunicorn_conf 'digigov_lod.web.asgi:create_asgi_app_from_environment()'
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..config import ServerSettings, Settings, from_environment, server_from_environment
from . import create_app, max_request_bytes
from .asgi_types import AsgiApp, Message, Receive, Scope, Send
from .bridge import ThreadBridge
from .compression import Compressor, chosen_encoding
from .response_cache import KEY_HEADERS, Recorder, RequestKey, ResponseStore, raw
from .responses import DATA_POLICY
from .sparql_fast import SparqlFastPath

DEFAULT_THREADS = ServerSettings.web_threads
BODY_SECONDS = 10.0  # the longest a request body may take to arrive
#: On the answers the front and gunicorn give themselves, which may quote what the client sent:
#: no browser may read them as anything but text, run anything in them, or pass on where it came from.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", DATA_POLICY),
    ("Referrer-Policy", "no-referrer"),
)
_RAW_SECURITY_HEADERS = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS]


class ReplayingFront:
    """Answers what ``store`` holds on the event loop; passes the rest to ``app`` and keeps its answers."""

    def __init__(self, app: AsgiApp, store: ResponseStore, max_body_bytes: int) -> None:
        self.app = app
        self.store = store
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan: the bridge acknowledges it
            return
        problem = unusable_url(scope)
        if problem:
            await send_text(send, 400, problem)
            return
        headers = joined_headers(scope)
        if "host" not in headers and scope.get("http_version", "1.1") not in ("1.0", "0.9"):
            await send_text(send, 400, "An HTTP/1.1 request needs a Host header (RFC 9112, section 3.2).")
            return
        method = scope["method"]
        if not self.store.usable(method, headers):
            await self._pass_on(scope, receive, send, headers)
            return
        server_host, server_port = scope.get("server") or ("", "")
        host = headers.get("host") or f"{server_host}:{server_port}"  # HTTP/1.0 without Host: links name the socket
        key: RequestKey = (
            scope.get("scheme", "http"),
            host,
            scope["path"],
            scope["query_string"].decode("latin-1"),
            *(headers.get(name, "") for name in KEY_HEADERS),
            chosen_encoding(headers.get("accept-encoding")),  # each encoding's answer is kept apart
        )
        stored = self.store.get(key)
        if stored is not None:
            if_none_match = headers.get("if-none-match")
            if if_none_match is None:  # the usual case: the whole answer again, headers encoded once
                status, raw_headers, with_body = stored.status, stored.raw_headers, True
            else:
                status, _, replayed, with_body = self.store.replay(stored, if_none_match)
                raw_headers = raw(replayed)
            await send({"type": "http.response.start", "status": status, "headers": raw_headers})
            await send({"type": "http.response.body", "body": stored.body if with_body and method == "GET" else b""})
            return
        if method == "HEAD" or "if-none-match" in headers:
            await self._pass_on(scope, receive, send, headers)
            return
        await self._pass_on(scope, receive, recording(send, Recorder(self.store, key)), headers)

    async def _pass_on(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """Hand the request to the application, with its body read first if it has one."""
        if "content-length" not in headers and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        too_large = f"The request body is larger than the limit of {self.max_body_bytes} bytes."
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_text(send, 413, too_large)  # refused before a byte of it is read
            return
        try:
            body = await asyncio.wait_for(read_body(receive, self.max_body_bytes), BODY_SECONDS)
        except TimeoutError:
            await send_text(send, 408, f"The request body did not arrive within {BODY_SECONDS:g} s.")
            return
        except ClientGone:
            return
        if body is None:
            await send_text(send, 413, too_large)
            return
        framed = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
        scope = {**scope, "headers": [*framed, (b"content-length", str(len(body)).encode())]}
        await self.app(scope, replaying_body(body, receive), send)


def joined_headers(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name; repeated ones joined with "," as WSGI joins them."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]},{text}" if key in headers else text
    return headers


class ClientGone(Exception):
    """The client closed the connection before its request body was complete."""


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is longer than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read before, then whatever the connection says next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def recording(send: Send, recorder: Recorder) -> Send:
    """A ``send`` that passes every message on and lets ``recorder`` keep a copy of the answer."""

    async def send_and_keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            recorder.start(message["status"], "", headers)
        elif message["type"] == "http.response.body":
            recorder.add(message.get("body", b""))
            if not message.get("more_body", False):
                recorder.finish()
        await send(message)

    return send_and_keep


def unusable_url(scope: Scope) -> str | None:
    """Why the request's URL cannot be handed to a WSGI application, if it cannot. (gunicorn refuses
    such request lines itself; this keeps the bridge from failing under other ASGI servers.)"""
    try:
        scope["path"].encode("utf-8")
        scope["query_string"].decode("ascii")
    except UnicodeError:
        return "The URL must be valid UTF-8, with anything outside ASCII percent-encoded."
    return None


async def send_text(send: Send, status: int, text: str) -> None:
    body = f"{status}: {text}\n".encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"),
        *_RAW_SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_asgi_app(
    settings: Settings | None = None, release_dir: Path | None = None, threads: int = DEFAULT_THREADS
) -> ReplayingFront:
    """The site for ``release_dir`` as an ASGI application (see the module docstring)."""
    settings = settings or from_environment()
    wsgi = create_app(settings, release_dir, response_cache=False)
    bridge = ThreadBridge(Compressor(wsgi), threads)
    fast = SparqlFastPath(wsgi.extensions["digigov"], bridge)  # plain queries skip the bridge and Flask
    return ReplayingFront(fast, ResponseStore(), max_request_bytes(settings))


#: The settings gunicorn's master handed to this worker process (its release pinned), if any.
_handed_over: Settings | None = None


def hand_over(settings: Settings) -> None:
    """In a new gunicorn worker, before the app is made: the settings it is to serve with."""
    global _handed_over
    _handed_over = settings


def create_asgi_app_from_environment() -> ReplayingFront:
    """Entry point for gunicorn's ``asgi`` worker: the settings handed over by the master (see
    :mod:`.gunicorn_conf`), else those of the environment; ``DIGIGOV_WEB_THREADS`` sets the thread pool."""
    return create_asgi_app(_handed_over or from_environment(), None, server_from_environment().web_threads)
