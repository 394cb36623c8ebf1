"""HTTP conventions shared by every view: validators, Vary, CORS, errors in the client's format."""

from __future__ import annotations

import json
import logging
from html import escape

from flask import Flask, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from ..errors import NotAcceptable, PublishedError, ServerFault
from ..formats import HTML, JSON, JSONLD, SPARQL_JSON, TEXT, Format
from ..messages import Message, worded
from .i18n import reader_language
from .negotiation import choose
from .site import current_site

log = logging.getLogger(__name__)

#: Names the graphs a query asked for that the dataset does not hold (each read as an empty graph).
UNKNOWN_GRAPHS_HEADER = "X-Unknown-Graphs"
#: On every response: the data is open to scripts on any site (no credentials are involved).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Link, Content-Disposition, Content-Length, Content-Range, Content-Language, "
        "Content-Location, Digest, Repr-Digest, X-Result-Truncated, X-Result-Rows, "
        f"{UNKNOWN_GRAPHS_HEADER}, Vary"
    ),
}

#: Only browsers' preflight requests (OPTIONS) read these, so other responses do not carry them.
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range",
    "Access-Control-Max-Age": "86400",
}

#: Pages load nothing from elsewhere and run no inline script at all (the copy buttons are wired by
#: /static/copy.js; JSON-LD data blocks are never executed).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)
#: Data (results, dumps, JSON-LD) is never a document that may load or run anything.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def add_common_headers(response: Response) -> Response:
    """CORS for every response (the data is open) and the security headers."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # as the server's own error answers (web/asgi.py)
    page = response.mimetype in ("text/html", "image/svg+xml")
    response.headers["Content-Security-Policy"] = PAGE_POLICY if page else DATA_POLICY
    return response


def representation(
    body: bytes | str,
    fmt: Format | str,
    *,
    variant: str = "",
    vary: str | None = "Accept",
    status: int = 200,
    cacheable: bool = True,
) -> Response:
    """A response derived from the release: ETag, Last-Modified, Vary, and 304/206 when asked.

    ``cacheable=False``: a page made without part of what it shows (the engine away for now), which must be
    neither kept nor validated: no ETag or Last-Modified, ``Cache-Control: no-store``."""
    media = fmt.content_type if isinstance(fmt, Format) else fmt
    if media.startswith("text/html"):  # pages speak the reader's language
        variant = f"{reader_language()}-{variant}"
        vary = ", ".join(filter(None, [vary, "Accept-Language"]))
    response = Response(body, status=status, content_type=media)
    if media.startswith("text/html"):
        response.headers["Content-Language"] = reader_language()
    for header in (vary or "").split(","):
        if header.strip():
            response.vary.add(header.strip())
    if not cacheable:
        response.headers["Cache-Control"] = "no-store"
        return response
    site = current_site()
    key = fmt.key if isinstance(fmt, Format) else media.split(";")[0].replace("/", "-")
    response.set_etag(f"{site.etag}-{variant}{key}" if variant else f"{site.etag}-{key}")
    response.headers["Last-Modified"] = site.last_modified
    if status == 200:
        response.make_conditional(request)
    return response


#: Headings of error pages (sv, en); JSON and text errors use the English one.
STATUS_TITLES = {
    400: ("Felaktig begäran", "Bad request"),
    404: ("Finns inte", "Not found"),
    405: ("Metoden stöds inte", "Method not allowed"),
    406: ("Inget av formaten passar", "Not acceptable"),
    413: ("Frågan är för stor", "Query too large"),
    415: ("Mediatypen stöds inte", "Unsupported media type"),
    416: ("Intervallet finns inte", "Range not satisfiable"),
    500: ("Fel i servern", "Server error"),
    502: ("Fel i frågemotorn", "Bad gateway"),
    503: ("Frågan stoppades", "Query stopped"),
}


#: Swedish for the messages the web framework itself gives (an unknown path, a wrong method …).
STANDARD_MESSAGES_SV = {
    404: "Adressen finns inte på den här webbplatsen. Startsidan visar vad som finns.",
    405: "Den här adressen tar inte emot den metoden.",
    413: "Begäran är för stor.",
    416: "Det begärda intervallet finns inte i filen.",
}


#: English for the same messages, in the site's words rather than the framework's.
STANDARD_MESSAGES_EN = {
    404: "This address does not exist on this site. The start page shows what there is.",
    405: "This address does not take that method.",
}


def render_error(exc: PublishedError | HTTPException) -> Response:
    """THE error handler: any :class:`~digigov_lod.errors.PublishedError` a view raised, or an HTTP
    error of werkzeug's own (an unknown path, a wrong method, a body too large), answered alike."""
    if isinstance(exc, HTTPException):
        exc = from_werkzeug(exc)
    if isinstance(exc, ServerFault):
        log.error("%s %s could not be answered: %s", request.method, request.path, exc)  # str() may hold detail
    response = error(exc.status, exc.message, exc.title, suggestion=exc.suggestion)
    response.headers.update(exc.headers)
    return response


def install_error_handler(app: Flask | BlueprintSetupState) -> None:
    """:func:`render_error` for the whole app; each blueprint that raises does it on registration
    (``blueprint.record_once(install_error_handler)``), so it also holds in an app of one blueprint."""
    target = app.app if isinstance(app, BlueprintSetupState) else app
    target.register_error_handler(PublishedError, render_error)  # what views raise, DamagedFile among them
    target.register_error_handler(HTTPException, render_error)  # werkzeug's own: unknown path, method …


def from_werkzeug(exc: HTTPException) -> PublishedError:
    """werkzeug's HTTP error as one of ours, in the site's words where it kept its own wording."""
    status = exc.code or 500
    default = exc.description == type(exc).description  # werkzeug's own wording, not one of ours
    sv = STANDARD_MESSAGES_SV.get(status) if default else None
    en = STANDARD_MESSAGES_EN.get(status) if default else None
    message = en or exc.description or exc.name
    lower = request.path.lower()
    suggestion = lower if status == 404 and lower != request.path and _routes(lower) else None
    published = PublishedError(Message(message, sv) if sv else message, suggestion=suggestion, title=exc.name)
    published.status = status
    for key, value in exc.get_headers():  # e.g. Content-Range on a 416, Allow on a 405
        if key.lower() not in ("content-type", "content-length"):
            published.headers[key] = value
    if status == 405 and getattr(exc, "valid_methods", None):
        published.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]  # werkzeug's 405 has it; checked by getattr above
    return published


def _routes(path: str) -> bool:
    """Whether ``path`` is one of the site's own addresses (for a 404's "did you mean")."""
    try:
        current_app.url_map.bind("localhost").match(path)
    except HTTPException:
        return False
    return True


def error(
    status: int, message: str, title: str | None = None, sv: str | None = None, suggestion: str | None = None
) -> Response:
    """A short readable error in the format the client can read (HTML, JSON or plain text); views
    raise a :class:`~digigov_lod.errors.PublishedError` instead, which :func:`render_error` answers.

    Pages show the Swedish wording (``sv``, or that of a :class:`~digigov_lod.messages.Message`) to
    Swedish readers, and a ``title`` given as a Message in their language; JSON and text errors,
    read by programs, stay English. ``suggestion`` is a path on this site the reader probably meant."""
    titles = STATUS_TITLES.get(status)
    message = Message(message, sv) if sv else message
    title = title or (titles[1] if titles else "Error")
    try:
        fmt = choose(request.headers.get("Accept"), (TEXT, HTML, JSON, SPARQL_JSON, JSONLD))
    except NotAcceptable:
        fmt = TEXT  # an error is always worth saying, even in a format the client did not ask for
    if fmt is HTML and "t" in current_app.jinja_env.globals:  # the full site (not a bare test app)
        lang = reader_language()
        if isinstance(title, Message):  # a heading of its own, in both languages
            shown = worded(title, lang)
        else:
            shown = titles[0 if lang == "sv" else 1] if titles else title
        body = render_template(
            "error.html", status=status, title=shown, message=worded(message, lang), lang=lang, suggestion=suggestion
        )
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
        response.vary.add("Accept-Language")
    elif fmt is HTML:
        body = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)}</title>"
            f"<h1>{status} {escape(title)}</h1><p>{escape(message)}</p><p><a href=/>DigiGov 2017 data</a></p></html>"
        )
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    elif fmt in (JSON, SPARQL_JSON, JSONLD):
        body = json.dumps({"status": status, "error": title, "message": message}, ensure_ascii=False)
        response = Response(body, status=status, content_type="application/json; charset=utf-8")
    else:
        response = Response(f"{status} {title}: {message}\n", status=status, content_type="text/plain; charset=utf-8")
    response.vary.add("Accept")
    return response
