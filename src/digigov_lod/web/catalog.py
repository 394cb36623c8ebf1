"""Harvestable metadata: the DCAT catalog, the VoID description, ``sitemap.xml`` and ``robots.txt``.

Everything is read from the release (written by :mod:`digigov_lod.metadata` at build time); nothing
is computed per request. ``/catalog`` answers RDF/XML when the client accepts anything (harvesters
such as Sveriges dataportal expect it), ``/.well-known/void`` Turtle; both also by suffix
(``/catalog.ttl`` …) or ``?format=``. HEAD, ETag/Last-Modified and 304 come from
:func:`~digigov_lod.web.responses.representation`.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, request

from ..formats import JSONLD, NTRIPLES, RDFXML, TURTLE, Format, rdf_by_extension
from .negotiation import NotAcceptable, choose, explicit
from .responses import error, representation
from .site import current_site

blueprint = Blueprint("catalog", __name__)

#: Offered in this order: the first is the default for ``Accept: */*`` or no Accept header.
CATALOG_FORMATS: tuple[Format, ...] = (RDFXML, TURTLE, JSONLD, NTRIPLES)
VOID_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES)


def _release_file(name: str) -> bytes | None:
    path = current_site().release.path / name
    return path.read_bytes() if path.is_file() else None


def _negotiated(stem: str, route: str, offered: tuple[Format, ...], suffix: str | None) -> Response:
    """The release file ``{stem}.{ext}`` in the format asked for by suffix, parameter or Accept."""
    try:
        if suffix is not None:
            fmt = rdf_by_extension(suffix)
            if fmt not in offered:
                return error(404, f"No {route}.{suffix}; try " + ", ".join(f"{route}.{f.extension}" for f in offered))
        else:
            fmt = explicit(request.args.get("format"), offered) or choose(request.headers.get("Accept"), offered)
    except NotAcceptable as exc:
        return error(406, str(exc))
    assert fmt is not None
    body = _release_file(f"{stem}.{fmt.extension}")
    if body is None:
        return error(404, f"This release has no {stem}.{fmt.extension}; rebuild it with `digigov-lod build`.")
    response = representation(body, fmt, variant=f"{stem}-", vary="Accept" if suffix is None else None)
    if suffix is None:
        response.headers["Content-Location"] = f"{route}.{fmt.extension}"
    return response


@blueprint.route("/catalog")
@blueprint.route("/catalog.<suffix>")
def catalog(suffix: str | None = None) -> Response:
    """The DCAT-AP / DCAT-AP-SE catalog."""
    return _negotiated("catalog", "/catalog", CATALOG_FORMATS, suffix)


@blueprint.route("/.well-known/void")
@blueprint.route("/.well-known/void.<suffix>")
def void(suffix: str | None = None) -> Response:
    """The VoID description (statistics, vocabularies, dumps, SPARQL endpoint)."""
    return _negotiated("void", "/.well-known/void", VOID_FORMATS, suffix)


def _on_this_host(text: str) -> str:
    """Sitemaps and robots.txt only work for the host that serves them: map the base IRI onto it."""
    site = current_site()
    if request.host_url == site.base:
        return text
    base_path = urlsplit(site.base).path
    return text.replace(site.base, request.host_url).replace(f": {base_path}", ": /")


def _plain_file(name: str, content_type: str) -> Response:
    body = _release_file(name)
    if body is None:
        return error(404, f"This release has no {name}; rebuild it with `digigov-lod build`.")
    host = hashlib.sha256(request.host_url.encode()).hexdigest()[:8]
    return representation(_on_this_host(body.decode("utf-8")), content_type, variant=f"{name}-{host}-", vary=None)


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    return _plain_file("sitemap.xml", "application/xml; charset=utf-8")


@blueprint.route("/robots.txt")
def robots() -> Response:
    return _plain_file("robots.txt", "text/plain; charset=utf-8")
