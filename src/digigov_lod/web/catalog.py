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

from flask import Blueprint, Response, render_template, request
from rdflib import Graph
from rdflib.namespace import DCAT, VOID

from ..errors import NotFound
from ..formats import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format, rdf_by_extension
from .i18n import reader_language
from .negotiation import choose, explicit
from .rdf_view import node_view, sections
from .responses import install_error_handler, representation
from .site import current_site

blueprint = Blueprint("catalog", __name__)
blueprint.record_once(install_error_handler)

#: Offered in this order: the first is the default for ``Accept: */*`` or no Accept header.
CATALOG_FORMATS: tuple[Format, ...] = (RDFXML, TURTLE, JSONLD, NTRIPLES, HTML)
VOID_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, HTML)
#: What the HTML views show, in this order.
PAGE_CLASSES = {
    "catalog": [DCAT.Catalog, DCAT.Dataset, DCAT.DataService, DCAT.Distribution],
    "void": [VOID.Dataset],
}
PAGE_TITLES = {
    "catalog": ("Datakatalog (DCAT)", "Data catalogue (DCAT)"),
    "void": ("Datamängdsbeskrivning (VoID)", "Dataset description (VoID)"),
}


def _html_page(stem: str, route: str, offered: tuple[Format, ...], vary: str | None) -> Response:
    """The catalog or VoID for people: one section per catalog, dataset, service and distribution."""
    site = current_site()
    if not site.store.exists(f"{stem}.ttl"):  # a damaged file raises DamagedFile: a 503
        raise _not_built(f"{stem}.ttl")
    lang = reader_language()
    graph = site.store.remember(("page-graph", stem), lambda: site.store.with_labels(site.store.parsed(f"{stem}.ttl")))
    body = render_template(
        "graph_page.html",
        lang=lang,
        title=PAGE_TITLES[stem][0 if lang == "sv" else 1],
        sections=sections(graph, PAGE_CLASSES[stem], lang),
        partitions=_partitions(graph, lang) if stem == "void" else [],
        route=route,
        formats=[f for f in offered if f is not HTML],
    )
    response = representation(
        body, HTML, variant=f"{stem}-{lang}-", vary=", ".join(filter(None, [vary, "Accept-Language"]))
    )
    return response


def _partitions(graph: Graph, lang: str) -> list[dict[str, object]]:
    """VoID's class and property partitions as rows whose ids are the partitions' fragments, so the
    links to them (``/.well-known/void#class-schema-Person``) land on their row."""
    rows = []
    for kind, link, term_property, count_property in (
        ("class", VOID.classPartition, VOID["class"], VOID.entities),
        ("property", VOID.propertyPartition, VOID.property, VOID.triples),
    ):
        for partition in sorted(graph.objects(None, link), key=str):
            term = graph.value(partition, term_property)
            if term is None or "#" not in str(partition):
                continue
            fragment = str(partition).rsplit("#", 1)[1]
            rows.append(
                {
                    "id": fragment,
                    "kind": kind,
                    "term": node_view(term, lang, graph),
                    "count": graph.value(partition, count_property),
                }
            )
    return rows


def _not_built(name: str) -> NotFound:
    return NotFound(f"This release has no {name}; rebuild it with `digigov-lod build`.")


def _release_file(name: str) -> bytes | None:
    return current_site().store.read(name)  # a damaged file raises DamagedFile: a 503


def _negotiated(stem: str, route: str, offered: tuple[Format, ...], suffix: str | None) -> Response:
    """The release file ``{stem}.{ext}`` in the format asked for by suffix, parameter or Accept."""
    if suffix is not None:
        fmt = HTML if suffix == "html" else rdf_by_extension(suffix)
        if fmt not in offered:
            raise NotFound(f"No {route}.{suffix}; try " + ", ".join(f"{route}.{f.extension}" for f in offered))
    else:
        fmt = explicit(request.args.get("format"), offered) or choose(request.headers.get("Accept"), offered)
    assert fmt is not None
    if fmt is HTML:
        return _html_page(stem, route, offered, vary="Accept" if suffix is None else None)
    body = _release_file(f"{stem}.{fmt.extension}")
    if body is None:
        raise _not_built(f"{stem}.{fmt.extension}")
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
        raise _not_built(name)
    host = hashlib.sha256(request.host_url.encode()).hexdigest()[:8]
    return representation(_on_this_host(body.decode("utf-8")), content_type, variant=f"{name}-{host}-", vary=None)


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    return _plain_file("sitemap.xml", "application/xml; charset=utf-8")


@blueprint.route("/robots.txt")
def robots() -> Response:
    return _plain_file("robots.txt", "text/plain; charset=utf-8")
