"""Plain SPARQL queries answered on the event loop, without the thread bridge and Flask.

A query the server has not seen spent more time in the web stack than in the engine: building the
WSGI environ, crossing to a thread, Flask's request and response objects, and crossing back cost
about as much as guard, engine and pipe together. :class:`SparqlFastPath` answers the usual case
itself: ``GET /sparql?query=…`` (with at most ``format``/``output``), for a machine-readable
format, from an intact release, with no conditional, range or compression headers. It runs the
same checks (:meth:`QueryService.plan`, the damaged-file check) and builds the same headers and body
as the view in :mod:`.sparql_views`, with that view's own helpers; a test compares the two answers
byte for byte.

Everything else, and every query that fails (refused, a syntax error, a time limit, no idle engine),
goes to the application behind it, which answers it as it always has: errors stay in one place.
"""

from __future__ import annotations

import logging
import time
from email.utils import formatdate
from urllib.parse import parse_qsl

from ..formats import HTML, Format
from ..release import DamagedFile
from ..sparql.engine import EngineFailure, PoolBusy, QueryError, QueryTimeout
from ..sparql.guard import QueryRefused
from . import FILES_READ
from .asgi_types import AsgiApp, Receive, Scope, Send
from .compression import chosen_encoding, compressible
from .negotiation import NotAcceptable
from .responses import CORS_HEADERS, DATA_POLICY
from .site import Site
from .sparql_views import negotiate, result_headers, result_variant

log = logging.getLogger(__name__)

#: Parameters of a plain query request; any other (graphs, download, update …) goes to the view.
PLAIN_PARAMETERS = frozenset({"query", "format", "output"})
#: Request headers the view answers in its own way (conditional requests, ranges, a body).
_UNUSUAL_HEADERS = frozenset(
    name.encode()
    for name in ("if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range", "range",
                 "content-length", "transfer-encoding")
)  # fmt: skip
_SECURITY = [
    ("Access-Control-Allow-Origin", CORS_HEADERS["Access-Control-Allow-Origin"]),
    ("Access-Control-Expose-Headers", CORS_HEADERS["Access-Control-Expose-Headers"]),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", DATA_POLICY),
]
_RAW_SECURITY = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in _SECURITY]
_ANSWER_FAILURES = (QueryRefused, QueryError, NotAcceptable, QueryTimeout, PoolBusy, EngineFailure, DamagedFile)


class _Date:
    """The ``Date`` header the view's response gets, formatted once a second."""

    second = -1
    value = b""

    @classmethod
    def now(cls) -> bytes:
        second = int(time.time())
        if second != cls.second:
            cls.second, cls.value = second, formatdate(second, usegmt=True).encode("latin-1")
        return cls.value


class SparqlFastPath:
    """Answers plain query requests itself and hands every other request to ``fallback``."""

    def __init__(self, site: Site, fallback: AsgiApp, path: str = "/sparql") -> None:
        self.site = site
        self.fallback = fallback
        self.path = path
        self._validators: tuple[str, bytes] | None = None  # the site's ETag and Last-Modified: fixed per release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.fallback(scope, receive, send)
            return
        try:
            answered = await self._answer(scope, send)
        except _ANSWER_FAILURES:
            answered = False  # the view says why, in the client's format and language
        if not answered:
            await self.fallback(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send) -> bool:
        """Send the answer and return True, or return False (nothing sent) for the view to answer."""
        accept: str | None = None
        encodings = 0
        for name, value in scope["headers"]:
            lowered = name.lower()
            if lowered in _UNUSUAL_HEADERS:
                return False
            if lowered == b"accept":
                if accept is not None:
                    return False  # repeated headers: the view joins them
                accept = value.decode("latin-1")
            elif lowered == b"accept-encoding":
                encodings += 1
                if encodings > 1 or chosen_encoding(value.decode("latin-1")):
                    return False  # compressed answers are made by the Compressor in front of the view
        params = self._parameters(scope["query_string"])
        if params is None:
            return False
        site = self.site
        if site.store.damaged is not None:
            return False
        for name in FILES_READ["sparql"]:
            site.store.path(name)  # raises DamagedFile: the view answers 503
        queries = params.get("query")
        if not queries or len(queries) != 1:
            return False
        query = queries[0]
        if not query.strip() or len(query.encode("utf-8")) > site.settings.max_query_bytes:
            return False
        service = site.store.service
        plan = service.plan(query)
        if plan.dataset_iris and service.unknown_graphs(plan, (), ()):
            return False
        fmt = negotiate(plan.form, params, accept)
        if fmt is HTML or not compressible(fmt.content_type):
            return False  # pages are rendered by the view; every result format is text
        answer = await service.answer_async(query, plan, fmt.key)
        if answer is None:  # no idle engine now: the view waits for one in a thread
            return False
        headers = self._headers(fmt, answer.body, result_variant(query, (), ()))
        headers += [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in result_headers(answer, fmt, (), params, "query-results", site.settings.max_result_rows)
        ]
        headers += _RAW_SECURITY
        headers.append((b"vary", b"Accept, Accept-Encoding"))  # another client may get it compressed
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
        return True

    @staticmethod
    def _parameters(query_string: bytes) -> dict[str, list[str]] | None:
        """The URL's parameters, or None where the view must look at them (not UTF-8, unusual ones)."""
        try:
            pairs = parse_qsl(query_string.decode("ascii"), keep_blank_values=True, errors="strict")
        except UnicodeError:
            return None
        params: dict[str, list[str]] = {}
        for key, value in pairs:
            if key not in PLAIN_PARAMETERS:
                return None
            params.setdefault(key, []).append(value)
        return params

    def _headers(self, fmt: Format, body: bytes, variant: str) -> list[tuple[bytes, bytes]]:
        """The representation's headers in the order the view's response has them (Vary comes last)."""
        if self._validators is None:
            self._validators = (self.site.etag, self.site.last_modified.encode("latin-1"))
        etag, last_modified = self._validators
        return [
            (b"content-type", fmt.content_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"etag", f'"{etag}-{variant}{fmt.key}"'.encode("latin-1")),
            (b"last-modified", last_modified),
            (b"date", _Date.now()),
        ]
