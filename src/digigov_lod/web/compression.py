"""Compressed answers (br, gzip) for clients that ask for them with ``Accept-Encoding``.

:class:`Compressor` wraps the WSGI application, so it runs in the request's thread, never on the event
loop. A compressed answer is its own representation: its ``ETag`` carries the encoding (``"…-gz"``,
``"…-br"``), every answer of a compressible type says ``Vary: Accept-Encoding``, and the conditional
headers are answered here against the ETag actually sent (the application only knows the identity
one). The response stores file answers by the chosen encoding (:func:`chosen_encoding`), so a replayed
answer is the compressed bytes kept from the first time, with the same headers and 304s.

Range requests are left alone: a range is of the identity encoding, as before. Answers that are already
encoded, partial, not text, or under :data:`MIN_BYTES` go out as they are.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Callable, Iterable

from werkzeug.http import parse_date, parse_etags, unquote_etag

try:
    import brotli
except ImportError:  # pragma: no cover - Brotli is a dependency; without it, gzip only
    brotli = None

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
Headers = list[tuple[str, str]]

#: Below this a compressed body saves less than the header costs.
MIN_BYTES = 1024
#: Levels that compress the 149 KB conference page in 5-6 ms each (br quality 11: 460 ms, for 16 % less).
GZIP_LEVEL = 6
BROTLI_QUALITY = 6
#: ETag suffix of each encoding's variant.
SUFFIXES = {"br": "-br", "gzip": "-gz"}
_TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/xml",
        "application/javascript",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "image/svg+xml",
    }
)
#: What a 304 repeats of the 200 it stands for (RFC 9110, section 15.4.5).
_NOT_MODIFIED_HEADERS = frozenset({"etag", "last-modified", "vary", "cache-control", "content-location", "expires"})


def _weights(accept_encoding: str) -> dict[str, float]:
    """q of each coding named. Parsed here, not by werkzeug's ``parse_accept_header`` as Accept is
    (:mod:`.negotiation`): this runs on raw WSGI environs before any request object exists (and in the
    replaying front's key), and werkzeug drops a coding whose q is malformed where a refusal (q=0) is
    the safe reading for ``identity;q=x``."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            weights[name.strip().lower()] = quality
    return weights


def chosen_encoding(accept_encoding: str | None) -> str:
    """``"br"``, ``"gzip"`` or ``""`` (identity): what this server sends a client with this header.
    br wins a tie, as it is smaller; ``*`` stands for any encoding not named."""
    if not accept_encoding:
        return ""
    weights = _weights(accept_encoding)
    offered = ["br", "gzip"] if brotli is not None else ["gzip"]
    best, best_quality = "", 0.0
    for name in offered:
        quality = weights.get(name, weights.get("*", 0.0))
        if name == "gzip" and "gzip" not in weights:
            quality = weights.get("x-gzip", quality)
        if quality > best_quality:
            best, best_quality = name, quality
    return best


def compressible(content_type: str) -> bool:
    """Text, JSON, XML, RDF and SVG; not images, archives or what is already gzipped."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media.endswith(("+json", "+xml")) or media in _TEXT_TYPES


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)  # mtime 0: the same bytes every time


def variant_etag(etag: str, encoding: str) -> str:
    """``"abc"`` → ``"abc-gz"``; a weak ETag stays weak."""
    weak = etag.startswith("W/")
    value = etag[2:] if weak else etag
    return f'{"W/" if weak else ""}{value[:-1]}{SUFFIXES[encoding]}"' if value.endswith('"') else etag


def _with_vary(headers: Headers) -> Headers:
    vary = [v for k, v in headers if k.lower() == "vary"]
    names = [n.strip() for v in vary for n in v.split(",") if n.strip()]
    if "*" in names or any(n.lower() == "accept-encoding" for n in names):
        return headers
    kept = [(k, v) for k, v in headers if k.lower() != "vary"]
    return [*kept, ("Vary", ", ".join([*names, "Accept-Encoding"]))]


def _header(headers: Headers, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _not_modified(environ: dict, etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110, section 13.2.2: If-None-Match (weak comparison) decides; If-Modified-Since only without it."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag is not None and parse_etags(if_none_match).contains_weak(unquote_etag(etag)[0])
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(last_modified)
    return since is not None and modified is not None and modified <= since


class Compressor:
    """Compresses the answers of ``app`` for clients that accept br or gzip (see the module docstring)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        encoding = chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
        if not encoding or "HTTP_RANGE" in environ:
            return self._identity(environ, start_response)
        method = environ.get("REQUEST_METHOD", "")
        conditional = method in ("GET", "HEAD")
        inner = dict(environ)
        if conditional:  # answered below, against the ETag of what is sent
            inner.pop("HTTP_IF_NONE_MATCH", None)
            inner.pop("HTTP_IF_MODIFIED_SINCE", None)
            inner["REQUEST_METHOD"] = "GET"  # a HEAD answer gives the compressed length, so it needs the body
        captured: dict[str, object] = {}

        def capture(status: str, headers: Headers, exc_info: object = None) -> Callable:
            captured["status"], captured["headers"] = status, list(headers)
            return lambda chunk: None  # the legacy write() is not used by Flask

        result = self.app(inner, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        status = str(captured["status"])
        headers: Headers = captured["headers"]  # type: ignore[assignment]  # start_response stored a Headers there
        code = int(status.split(" ", 1)[0])
        content_type = _header(headers, "content-type") or ""
        if compressible(content_type):
            headers = _with_vary(headers)
            if (
                code not in (204, 206, 304)
                and len(body) >= MIN_BYTES
                and _header(headers, "content-encoding") is None
                and _header(headers, "content-range") is None
            ):
                body = compress(body, encoding)
                headers = self._encoded_headers(headers, encoding, body)
        if (
            conditional
            and code == 200
            and _not_modified(environ, _header(headers, "etag"), _header(headers, "last-modified"))
        ):
            kept = [(k, v) for k, v in headers if k.lower() in _NOT_MODIFIED_HEADERS or k.lower().startswith("access-")]
            start_response("304 NOT MODIFIED", kept)
            return [b""]
        start_response(status, headers)
        return [b"" if method == "HEAD" else body]

    @staticmethod
    def _encoded_headers(headers: Headers, encoding: str, body: bytes) -> Headers:
        """The headers of the compressed variant: its own length, ETag and digests; no byte ranges (a
        range is of the identity encoding, which a Range request gets)."""
        etag = _header(headers, "etag")
        digested = _header(headers, "repr-digest") is not None or _header(headers, "digest") is not None
        dropped = ("content-length", "etag", "accept-ranges", "content-md5", "digest", "repr-digest")
        encoded = [(k, v) for k, v in headers if k.lower() not in dropped]
        encoded += [("Content-Encoding", encoding), ("Content-Length", str(len(body)))]
        if etag:
            encoded.append(("ETag", variant_etag(etag, encoding)))
        if digested:  # RFC 9530 and RFC 3230 digests are of the representation as sent, content coding included
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
            encoded += [("Repr-Digest", f"sha-256=:{digest}:"), ("Digest", f"sha-256={digest}")]
        return encoded

    def _identity(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """The application's answer as it is, with ``Vary: Accept-Encoding`` where another client would get
        it compressed (caches must not hand this one to them, nor theirs to this client)."""

        def add_vary(status: str, headers: Headers, exc_info: object = None) -> Callable:
            content_type = _header(headers, "content-type") or ""
            if compressible(content_type) or not content_type:
                headers = _with_vary(list(headers))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, add_vary)
