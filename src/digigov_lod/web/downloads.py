"""Bulk downloads of the release's dumps, with validators, 304s and Range requests.

A file is sent only once it matches the manifest (:meth:`~digigov_lod.release.Release.require`),
so its ETag and ``Repr-Digest`` (the manifest's SHA-256) always describe the bytes sent.
"""

from __future__ import annotations

import base64
import json
import re

from flask import Blueprint, Response, redirect, render_template, request, send_file

from ..errors import NotFound
from ..formats import HTML, JSON
from ..messages import Message
from ..sparql.dataset import NAMED_GRAPHS
from .i18n import reader_language
from .negotiation import choose, explicit
from .responses import install_error_handler, representation
from .site import current_site

blueprint = Blueprint("downloads", __name__)
blueprint.record_once(install_error_handler)
DOWNLOAD_ROLES = ("dump", "dump-gzip", "dataset-dump", "dataset-dump-gzip")


def _dumps() -> list:
    return [f for f in current_site().store.files() if f.role in DOWNLOAD_ROLES]


@blueprint.route("/download/")
def index() -> Response:
    site = current_site()
    files = _dumps()
    fmt = explicit(request.args.get("format"), (HTML, JSON)) or choose(request.headers.get("Accept"), (HTML, JSON))
    if fmt is JSON:
        listing = [{**f.__dict__, "url": request.host_url + "download/" + f.name} for f in files]
        return representation(json.dumps(listing, indent=2), "application/json; charset=utf-8")
    lang = reader_language()
    body = render_template("downloads.html", files=files, lang=lang, release=site.release)
    return representation(body, HTML, variant=f"downloads-{lang}-", vary="Accept, Accept-Language")


@blueprint.route("/graph/<name>")
def named_graph(name: str) -> Response:
    """The named graphs of the SPARQL dataset dereference to the documents that hold them."""
    graph = next((g for g in NAMED_GRAPHS if g.name == name), None)
    if graph is None:
        names = ", ".join(g.name for g in NAMED_GRAPHS)
        raise NotFound(
            Message(
                f"There is no graph called {name!r}; the graphs are: {names}.",
                f"Det finns ingen graf som heter {name!r}; graferna är: {names}.",
            )
        )
    return redirect(graph.document, code=303)


@blueprint.route("/download/<name>")
def download(name: str) -> Response:
    site = current_site()
    item = next((f for f in _dumps() if f.name == name), None)
    if item is None:
        raise NotFound(
            Message(
                f"No file {name!r} in this release; see /download/.",
                f"Filen {name!r} finns inte i den här utgåvan; se /download/.",
            )
        )
    path = site.store.path(item.name)  # a damaged file raises DamagedFile: a 503
    mimetype = "application/gzip" if item.encoding == "gzip" else item.media_type
    header = request.headers.get("Range")
    if header is not None:
        acted_on = single_range(header, item.bytes) if request.method == "GET" else None
        if acted_on is None:  # ignored: the whole file (RFC 9110 §14.2)
            request.environ.pop("HTTP_RANGE", None)
        else:
            request.environ["HTTP_RANGE"] = acted_on
        request.__dict__.pop("range", None)  # werkzeug parses it again from the environ
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=item.name,
        etag=item.sha256,
        last_modified=site.release.created,
        conditional=True,
        max_age=3600,
    )
    digest = base64.b64encode(bytes.fromhex(item.sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    response.headers["Digest"] = f"sha-256={digest}"  # RFC 3230, for older clients
    return response


_RANGE_SPEC = re.compile(r"([0-9]*)-([0-9]*)")


def single_range(header: str, size: int) -> str | None:
    """The ``Range`` header to act on for a file of ``size`` bytes, in a form werkzeug reads alike, or
    None when it is to be ignored and the whole file sent (RFC 9110 §14.1.1, §14.2).

    Ignored: another unit than ``bytes``, a malformed range set, one whose last position precedes its
    first, and several ranges (a server may send the whole file instead of multipart parts). A single
    range comes back as ``bytes=FIRST-LAST`` within the file (a suffix longer than the file is all of
    it). One that starts at or beyond the end, or a suffix of length 0 (``bytes=-0``), is
    unsatisfiable: it comes back as ``bytes={size}-``, for which werkzeug answers 416 with
    ``Content-Range: bytes */{size}``, after If-Range and the other conditions, as for any range.
    """
    unit, equals, ranges = header.partition("=")
    if not equals or unit.lower() != "bytes":  # range units are case-insensitive
        return None
    specs = [spec.strip(" \t") for spec in ranges.split(",")]
    specs = [spec for spec in specs if spec]  # a list may hold empty elements (RFC 9110 §5.6.1)
    if len(specs) != 1:
        return None
    matched = _RANGE_SPEC.fullmatch(specs[0])
    if matched is None or not (matched[1] or matched[2]):
        return None
    first, last = matched[1], matched[2]
    if not first:  # a suffix: the last N bytes, or all of them where the file is shorter (§14.1.3)
        length = int(last)
        start = max(size - length, 0) if length > 0 else size
    else:
        start = int(first)
        if last and int(last) < start:
            return None
    if start >= size:
        return f"bytes={size}-"
    end = min(int(last), size - 1) if first and last else size - 1
    return f"bytes={start}-{end}"
