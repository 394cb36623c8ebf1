"""Answers repeated GET and HEAD requests from memory, for the WSGI and the ASGI entry points.

Every response derived from a release is immutable while that release is served, so a
complete 200 response with an ETag can be replayed for the same scheme, host, path, query and
negotiation headers (the server dates each answer afresh). This skips routing, negotiation and
rendering on the hot path (canned queries, popular pages); a matching If-None-Match gets its 304
here too. Anything unusual — other methods, Range and other conditional requests, cookies,
responses without an ETag, bodies over 512 KB — goes through the application untouched.

:class:`ResponseStore` holds the rules and the entries; :class:`Recorder` keeps a copy of an
answer while it is sent; :class:`ResponseCache` puts them in front of a WSGI application, and
:mod:`.asgi` in front of the ASGI bridge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from werkzeug.http import parse_etags, unquote_etag

from ..sparql.cache import LruCache
from .compression import Compressor, chosen_encoding

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
Headers = list[tuple[str, str]]
#: What a stored answer is filed under: scheme, host, path, query, then the KEY_HEADERS, with repeated
#: request headers joined by "," as a WSGI environ holds them, so the key sees what the application saw,
#: and last the content coding the client gets (``br``, ``gzip`` or none: see :mod:`.compression`).
RequestKey = tuple[str, ...]
#: Request headers that select a variant: part of the key (with scheme, host, path and query).
KEY_HEADERS = ("accept", "accept-language")
#: Request headers that make a response differ in ways the store does not model.
BYPASS_HEADERS = frozenset(
    {"range", "if-range", "if-match", "if-modified-since", "if-unmodified-since", "authorization", "cookie"}
)
MAX_BODY_BYTES = 512 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # per process; the least recently used responses go first
#: Headers about one response rather than the representation: the server adds fresh ones to a replay.
PER_RESPONSE_HEADERS = {"date", "server"}
NOT_MODIFIED_HEADERS = {"etag", "last-modified", "vary", "cache-control", "content-location", "link"}


@dataclass(frozen=True)
class StoredResponse:
    status: int
    reason: str
    headers: Headers
    body: bytes
    etag: str

    @cached_property
    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers as ASGI sends them, encoded once."""
        return raw(self.headers)


def raw(headers: Headers) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class ResponseStore:
    """Finished responses by request key, within a byte budget."""

    def __init__(self, capacity: int = 2048) -> None:
        self.entries: LruCache[StoredResponse] = LruCache(
            capacity, max_bytes=MAX_TOTAL_BYTES, max_entry_bytes=MAX_BODY_BYTES
        )

    @staticmethod
    def usable(method: str, header_names: Iterable[str]) -> bool:
        """Whether a request with this method and these (lower-case) header names may use the store."""
        return method in ("GET", "HEAD") and BYPASS_HEADERS.isdisjoint(header_names)

    def get(self, key: RequestKey) -> StoredResponse | None:
        return self.entries.get(key)

    def put(self, key: RequestKey, status: int, reason: str, headers: Headers, body: bytes) -> None:
        """Keep a finished response if it may be replayed: a complete 200 with an ETag."""
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if status == 200 and etag and len(body) <= MAX_BODY_BYTES:
            timeless = [(k, v) for k, v in headers if k.lower() not in PER_RESPONSE_HEADERS]
            self.entries.put(key, StoredResponse(status, reason, timeless, body, etag), size=len(body))

    @staticmethod
    def replay(stored: StoredResponse, if_none_match: str | None) -> tuple[int, str, Headers, bool]:
        """Status, reason, headers, and whether a body follows, for a request that hit ``stored``."""
        if if_none_match and parse_etags(if_none_match).contains_weak(unquote_etag(stored.etag)[0]):
            kept = [
                (k, v)
                for k, v in stored.headers
                if k.lower() in NOT_MODIFIED_HEADERS or k.lower().startswith("access-")
            ]
            return 304, "NOT MODIFIED", kept, False
        return stored.status, stored.reason, stored.headers, True


class Recorder:
    """Collects an answer as it goes out, and stores it at the end if it qualifies."""

    def __init__(self, store: ResponseStore, key: RequestKey) -> None:
        self.store, self.key = store, key
        self.status = 0
        self.reason = ""
        self.headers: Headers = []
        self.chunks: list[bytes] = []
        self.size = 0

    def start(self, status: int, reason: str, headers: Headers) -> None:
        self.status, self.reason, self.headers = status, reason, list(headers)

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_BODY_BYTES:  # past the limit it is not kept: stop collecting
            self.chunks.append(chunk)

    def finish(self) -> None:
        if self.size <= MAX_BODY_BYTES:
            self.store.put(self.key, self.status, self.reason, self.headers, b"".join(self.chunks))


class ResponseCache:
    """A :class:`ResponseStore` in front of a WSGI application, whose answers are compressed for the
    clients that ask for it (:class:`.compression.Compressor`)."""

    def __init__(self, app: WsgiApp, store: ResponseStore | None = None) -> None:
        self.app = Compressor(app)
        self.store = store or ResponseStore()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        names = (k[5:].replace("_", "-").lower() for k in environ if k.startswith("HTTP_"))
        if not self.store.usable(method, names):
            return self.app(environ, start_response)
        key: RequestKey = (
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}",
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            *(environ.get("HTTP_" + h.upper().replace("-", "_"), "") for h in KEY_HEADERS),
            chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING")),
        )
        stored = self.store.get(key)
        if stored is not None:
            status, reason, headers, with_body = self.store.replay(stored, environ.get("HTTP_IF_NONE_MATCH"))
            start_response(f"{status} {reason}", headers)
            return [stored.body] if with_body and method == "GET" else [b""]
        if method == "HEAD" or "HTTP_IF_NONE_MATCH" in environ:
            return self.app(environ, start_response)
        return self._record(Recorder(self.store, key), environ, start_response)

    def _record(self, recorder: Recorder, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def capture(status: str, headers: Headers, exc_info: object = None) -> Callable:
            code, _, reason = status.partition(" ")
            recorder.start(int(code) if code.isdigit() else 0, reason, headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        length = next((v for k, v in recorder.headers if k.lower() == "content-length"), None)
        if length and int(length) > MAX_BODY_BYTES:
            return result  # streamed as the app made it (downloads keep their file wrapper)
        return _Recording(result, recorder)


class _Recording:
    """The application's body, passed on chunk by chunk while the recorder keeps a copy."""

    def __init__(self, result: Iterable[bytes], recorder: Recorder) -> None:
        self.result, self.recorder = result, recorder

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.result:
            self.recorder.add(chunk)
            yield chunk
        self.recorder.finish()

    def close(self) -> None:
        close = getattr(self.result, "close", None)
        if close:
            close()
