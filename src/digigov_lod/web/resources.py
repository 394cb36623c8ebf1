"""Dereferenceable IRIs: ``/id/…`` and ``/def/…`` answer 303 to ``/doc/…``, which negotiates
HTML, Turtle, JSON-LD, N-Triples and RDF/XML (also by suffix)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from ..describe import label
from ..errors import NotFound
from ..formats import HTML, JSONLD, RDF_FORMATS, Format, rdf_by_extension
from ..iris import THING_SEGMENT, doc_path_for, is_dereferenceable_path, local_path, resource_path_for
from ..jsonld import NoSuchResource, Options, script_element
from ..jsonld.html import embed_snippet_html
from ..messages import Message
from ..release import serialize
from .embed import cached_snippet
from .i18n import reader_language
from .negotiation import choose, explicit
from .rdf_view import node_view, property_rows, types_of
from .responses import install_error_handler, representation
from .site import current_site

blueprint = Blueprint("resources", __name__)
blueprint.record_once(install_error_handler)
DOC_FORMATS: tuple[Format, ...] = (HTML, *RDF_FORMATS)
#: How deep the page's own JSON-LD goes: the linked things with their names, no further (the
#: conference's snippet is 4 KB so, 45 KB at the /embed default); /embed keeps its documented default.
PAGE_DEPTH = 0


@blueprint.route("/id/<path:rest>")
@blueprint.route("/def/<path:rest>")
@blueprint.route("/def/", defaults={"rest": ""})
def thing(rest: str) -> Response:
    """The thing itself is not a document: point to the document about it."""
    path = request.path.lstrip("/")
    if not is_dereferenceable_path(path):
        raise NotFound(
            Message(f"/{path} is not an identifier of this dataset.", f"/{path} är ingen identifierare i datamängden."),
            suggestion=_lower_case_document(path.split("/", 1)[1]) if path.startswith(THING_SEGMENT) else None,
        )
    site = current_site()
    iri = URIRef(site.iri_for_local_path(path))
    if not site.store.knows(str(iri)):
        raise _says_nothing(iri)
    query = request.query_string.decode("ascii", "replace")
    return redirect("/" + doc_path_for(path) + (f"?{query}" if query else ""), code=303)


def _lower_case_document(stem: str) -> str | None:
    """``/doc/person/lena-micko`` for ``person/Lena-Micko``, when the data knows that thing (slugs are lower-case)."""
    lower = stem.lower()
    path = resource_path_for("doc/" + lower)
    if lower == stem or not is_dereferenceable_path(path):
        return None
    site = current_site()
    return f"/doc/{lower}" if site.store.knows(site.iri_for_local_path(path)) else None


def _split_suffix(rest: str) -> tuple[str, Format | None]:
    stem, dot, suffix = rest.rpartition(".")
    if dot and suffix == "html":
        return stem, HTML
    if dot and (fmt := rdf_by_extension(suffix)):
        return stem, fmt
    return rest, None


def _links(doc_url: str) -> str:
    parts = [f'<{doc_url}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' for fmt in RDF_FORMATS]
    parts.append(f'<{doc_url}.html>; rel="alternate"; type="text/html"')
    return ", ".join(parts)


def _says_nothing(iri: URIRef) -> NotFound:
    return NotFound(Message(f"The dataset says nothing about <{iri}>.", f"Datamängden säger ingenting om <{iri}>."))


def _refuse_unknown_suffix(rest: str) -> None:
    """Raise a 404 listing the document's formats when ``rest`` is a known document with a suffix
    we lack (``/doc/event/x.json``)."""
    stem, dot, suffix = rest.rpartition(".")
    if not dot or "/" in suffix:
        return
    site = current_site()
    path = resource_path_for("doc/" + stem)
    if not is_dereferenceable_path(path) or not site.store.knows(site.iri_for_local_path(path)):
        return
    alternatives = ", ".join(f"/doc/{stem}.{fmt.extension}" for fmt in DOC_FORMATS)
    raise NotFound(
        Message(
            f"/doc/{rest} has no .{suffix} format. This document is served as: {alternatives}.",
            f"/doc/{rest} finns inte i formatet .{suffix}. Dokumentet finns som: {alternatives}.",
        )
    )


@blueprint.route("/doc/<path:rest>")
def document(rest: str) -> Response:
    site = current_site()
    stem, suffix_format = _split_suffix(rest)
    resource_path = resource_path_for("doc/" + stem)
    if not is_dereferenceable_path(resource_path):
        _refuse_unknown_suffix(rest)
        raise NotFound(
            Message(f"/doc/{stem} is not a document of this dataset.", f"/doc/{stem} är inget dokument i datamängden."),
            suggestion=_lower_case_document(stem),
        )
    iri = URIRef(site.iri_for_local_path(resource_path))
    description = site.store.describe(str(iri))
    if len(description) == 0:
        _refuse_unknown_suffix(rest)
        raise _says_nothing(iri)
    # a suffix wins, then ?format= (as on /sparql and /catalog), then Accept
    asked = request.args.get("format") or request.args.get("output")
    fmt = suffix_format or explicit(asked, DOC_FORMATS) or choose(request.headers.get("Accept"), DOC_FORMATS)
    doc_url = request.host_url + "doc/" + stem
    lang = reader_language()
    if fmt is HTML:
        body = render_html(iri, description, lang, doc_url)
        response = representation(body, HTML, variant=f"{lang}-", vary="Accept, Accept-Language")
    else:
        response = representation(serialize(description, fmt), fmt)
    if suffix_format is not None or asked:
        response.vary.discard("Accept")
    else:
        response.headers["Content-Location"] = f"/doc/{stem}.{fmt.extension}"
    response.headers["Link"] = _links(doc_url)
    return response


def render_html(iri: URIRef, description: Graph, lang: str, doc_url: str) -> str:
    """The page about ``iri``, labelled from its neighbourhood (the one query the page costs)."""
    site = current_site()
    graph = site.store.neighbourhood(str(iri))  # holds the description and the labels around it
    rows = property_rows(description, iri, lang, labels=graph)
    incoming = [
        {"subject": node_view(s, lang, graph), "property": node_view(p, lang, graph)}
        for s, p in sorted(description.subject_predicates(iri), key=lambda sp: (str(sp[1]), str(sp[0])))
    ]
    sources = [node_view(o, lang, graph) for o in sorted(graph.objects(iri, PROV.wasDerivedFrom))]
    return render_template(
        "resource.html",
        iri=str(iri),
        title=label(graph, iri, lang) or site.store.compact(str(iri)),
        types=types_of(graph, iri, lang),
        rows=rows,
        incoming=incoming,
        sources=sources,
        lang=lang,
        doc_url=doc_url,
        formats=RDF_FORMATS,
        embed_html=_embed_fragment(iri, description, lang),
    )


def _embed_fragment(iri: URIRef, description: Graph, lang: str) -> Markup:
    """The page's one JSON-LD script: the schema.org embed with its copy box for things, the
    plain description for vocabulary terms (which have no embed)."""
    site = current_site()
    path = local_path(str(iri), site.base) or ""
    if path.startswith(THING_SEGMENT):
        try:
            document = cached_snippet(
                str(iri), Options(lang=lang, depth=PAGE_DEPTH), site.store.neighbourhood(str(iri))
            )
        except NoSuchResource:
            document = None
        if document is not None:
            summary = "Bädda in på din webbsida (JSON-LD)" if lang == "sv" else "Embed in your web page (JSON-LD)"
            section = embed_snippet_html(document, "/embed/" + path[len(THING_SEGMENT) :], lang=lang)
            return Markup(f'<details class="embed-box"><summary>{summary}</summary>\n{section}</details>\n')
    jsonld = serialize(description, JSONLD).decode("utf-8")
    return Markup(script_element(json.loads(jsonld)))
