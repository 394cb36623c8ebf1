"""A WSGI layer that answers repeated GET and HEAD requests from memory.

Every response derived from a release is immutable while that release is served, so a
finished 200 response can be replayed byte for byte for the same URL, Host and negotiation
headers. This skips routing, negotiation and rendering on the hot path (canned queries,
popular pages); a matching If-None-Match gets its 304 here too. Anything unusual — other
methods, Range, If-Modified-Since, responses without an ETag, large bodies — goes through
the application untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from werkzeug.http import parse_etags, unquote_etag

from ..sparql.cache import LruCache

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
KEY_HEADERS = ("wsgi.url_scheme", "HTTP_HOST", "PATH_INFO", "QUERY_STRING", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
BYPASS_HEADERS = ("HTTP_RANGE", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_AUTHORIZATION", "HTTP_COOKIE")
MAX_BODY_BYTES = 512 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # per process; the least recently used responses go first
NOT_MODIFIED_HEADERS = {"etag", "last-modified", "vary", "cache-control", "content-location", "link"}


@dataclass(frozen=True)
class _Stored:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None


class ResponseCache:
    def __init__(self, app: WsgiApp, capacity: int = 2048) -> None:
        self.app = app
        self.entries: LruCache[_Stored] = LruCache(capacity, max_bytes=MAX_TOTAL_BYTES, max_entry_bytes=MAX_BODY_BYTES)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or any(h in environ for h in BYPASS_HEADERS):
            return self.app(environ, start_response)
        key = tuple(environ.get(h, "") for h in KEY_HEADERS)
        stored = self.entries.get(key)
        if stored is not None:
            return self._replay(stored, environ, start_response, method == "HEAD")
        return self._record(key, environ, start_response, method == "HEAD")

    @staticmethod
    def _replay(stored: _Stored, environ: dict, start_response: Callable, head: bool) -> Iterable[bytes]:
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if asked and stored.etag and parse_etags(asked).contains_weak(unquote_etag(stored.etag)[0]):
            headers = [
                (k, v) for k, v in stored.headers if k.lower() in NOT_MODIFIED_HEADERS or k.startswith("Access-")
            ]
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        start_response(stored.status, stored.headers)
        return [b""] if head else [stored.body]

    def _record(self, key: tuple, environ: dict, start_response: Callable, head: bool) -> Iterable[bytes]:
        captured: dict[str, object] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info=None):  # type: ignore[no-untyped-def]
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        length = next((v for k, v in captured.get("headers", []) if k.lower() == "content-length"), None)  # type: ignore[attr-defined]
        if head or "HTTP_IF_NONE_MATCH" in environ or (length and int(length) > MAX_BODY_BYTES):
            return result  # streamed as the app made it (downloads keep their file wrapper)
        chunks = []
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        body = b"".join(chunks)
        status = str(captured.get("status", ""))
        headers = list(captured.get("headers", []))  # type: ignore[call-overload]
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if status.startswith("200") and etag and len(body) <= MAX_BODY_BYTES:
            self.entries.put(key, _Stored(status, headers, body, etag), size=len(body))
        return [body]
