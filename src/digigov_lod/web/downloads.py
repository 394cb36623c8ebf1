"""Bulk downloads of the release's dumps, with validators, 304s and Range requests."""

from __future__ import annotations

import base64
import json

from flask import Blueprint, Response, redirect, render_template, request, send_file

from ..formats import HTML, JSON
from ..messages import message_of
from .engine import NAMED_GRAPHS
from .i18n import reader_language
from .negotiation import NotAcceptable, choose, explicit
from .responses import error, representation
from .site import current_site

blueprint = Blueprint("downloads", __name__)
DOWNLOAD_ROLES = ("dump", "dump-gzip")


def _dumps() -> list:
    return [f for f in current_site().release.files() if f.role in DOWNLOAD_ROLES]


@blueprint.route("/download/")
def index() -> Response:
    site = current_site()
    files = _dumps()
    try:
        fmt = explicit(request.args.get("format"), (HTML, JSON)) or choose(request.headers.get("Accept"), (HTML, JSON))
    except NotAcceptable as exc:
        return error(406, message_of(exc))
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
        return error(
            404,
            f"There is no graph called {name!r}; the graphs are: {names}.",
            sv=f"Det finns ingen graf som heter {name!r}; graferna är: {names}.",
        )
    return redirect(graph.document, code=303)


@blueprint.route("/download/<name>")
def download(name: str) -> Response:
    site = current_site()
    item = next((f for f in _dumps() if f.name == name), None)
    if item is None:
        return error(
            404,
            f"No file {name!r} in this release; see /download/.",
            sv=f"Filen {name!r} finns inte i den här utgåvan; se /download/.",
        )
    mimetype = "application/gzip" if item.encoding == "gzip" else item.media_type
    asked = request.range if request.headers.get("Range") else None
    if request.headers.get("Range") and (asked is None or asked.units != "bytes" or len(asked.ranges) != 1):
        request.environ.pop("HTTP_RANGE")  # several ranges or an unknown unit: send it all (RFC 9110 §14.2)
        request.__dict__.pop("range", None)
    response = send_file(
        site.release.path / item.name,
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
