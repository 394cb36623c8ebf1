"""Index pages: one table per kind of thing (people, organisations, topics, claims, places …).

Every thing under ``id/`` is on exactly one index page, and every index page is linked from the
landing page, so any resource is two clicks away. The tables are plain HTML that results.js makes
sortable and filterable (within the page shown); without it they are plain tables. A release with more
than PAGE_ROWS things of a kind gets pages (``?page=2``). Each page reads one page query's answer
(``sparql/pages/index.rq``: the things of its kind and what their rows show), the counts another
(``things-by-kind.rq``), never the whole graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..errors import BadRequest, NotFound
from ..formats import HTML
from ..iris import kind_namespace, things_namespace
from ..messages import Message
from ..namespaces import SCHEMA, vocab_namespace
from .i18n import reader_language
from .rdf_view import node_view
from .responses import install_error_handler, representation
from .site import Site, current_site

blueprint = Blueprint("browse", __name__)
blueprint.record_once(install_error_handler)

Cells = list[list[dict[str, Any]]]
#: Rows on one page of an index (the real report's largest index has fewer; a shelf of reports has more).
PAGE_ROWS = 500


@dataclass(frozen=True)
class Index:
    slug: str  # the page's path segment
    kind: str  # the {kind} of id/{kind}/{slug}
    title: Message
    columns: tuple[Message, ...]  # after the name and the type


def _sessions(graph: Graph, base: str, nodes: Iterable[Any]) -> list[Any]:
    """The sessions and workshops among ``nodes`` (not the days or the conference they roll up to)."""
    dgv = vocab_namespace(base)
    return [n for n in nodes if (n, RDF.type, dgv.Session) in graph or (n, RDF.type, dgv.Workshop) in graph]


def _person(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    organisations = [*graph.objects(thing, SCHEMA.worksFor), *graph.objects(thing, SCHEMA.affiliation)]
    return [organisations, _sessions(graph, base, graph.subjects(SCHEMA.performer, thing))]


def _organisation(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    people = [*graph.subjects(SCHEMA.worksFor, thing), *graph.subjects(SCHEMA.affiliation, thing)]
    return [people, _sessions(graph, base, graph.subjects(SCHEMA.performer, thing))]


def _topic(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    about = list(graph.subjects(SCHEMA.about, thing))
    claims = [c for c in about if str(c).startswith(kind_namespace(base, "claim"))]
    return [_sessions(graph, base, about), claims]


def _claim(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    return [list(graph.objects(thing, vocab_namespace(base).statedAt)), list(graph.objects(thing, SCHEMA.author))]


def _event(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    return [list(graph.objects(thing, SCHEMA.startDate)), list(graph.objects(thing, SCHEMA.superEvent))]


def _place(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    return [list(graph.objects(thing, SCHEMA.containedInPlace)) + list(graph.objects(thing, SCHEMA.addressCountry))]


def _none(graph: Graph, base: str, thing: URIRef) -> list[list[Any]]:
    return []


M = Message
ORGANISATIONS, PEOPLE, SESSIONS = M("Organisations", "Organisationer"), M("People", "Personer"), M("Sessions", "Pass")
CLAIMS_TITLE = M("Claims, recommendations and judgements", "Påståenden, rekommendationer och omdömen")
INDEXES: dict[str, tuple[Index, Callable[[Graph, str, URIRef], list[list[Any]]]]] = {
    index.slug: (index, cells)
    for index, cells in [
        (Index("people", "person", PEOPLE, (ORGANISATIONS, SESSIONS)), _person),
        (Index("organisations", "organization", ORGANISATIONS, (PEOPLE, SESSIONS)), _organisation),
        (Index("topics", "topic", M("Topics", "Ämnen"), (SESSIONS, M("Claims", "Påståenden"))), _topic),
        (Index("claims", "claim", CLAIMS_TITLE, (M("Stated at", "Framfört vid"), M("Author", "Upphov"))), _claim),
        (Index("places", "place", M("Places", "Platser"), (M("Within", "Ligger i"),)), _place),
        (Index("events", "event", M("Events", "Evenemang"), (M("Date", "Datum"), M("Part of", "Del av"))), _event),
        (Index("works", "work", M("Works", "Verk"), ()), _none),
        (Index("positions", "position", M("Positions", "Befattningar"), ()), _none),
        (Index("roles", "role", M("Roles", "Roller"), ()), _none),
        (Index("questions", "question", M("Questions", "Frågor"), ()), _none),
        (Index("addresses", "address", M("Addresses", "Adresser"), ()), _none),
        (Index("contacts", "contact", M("Contact points", "Kontaktpunkter"), ()), _none),
    ]
}


def things_of(graph: Graph, base: str, kind: str) -> list[URIRef]:
    """Every thing named under ``id/{kind}/`` that ``graph`` describes (the subjects), in IRI order."""
    namespace = kind_namespace(base, kind)
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(namespace)}, key=str)


def in_order(site: Site, index: Index, lang: str) -> tuple[str, ...]:
    """The things of an index in the order of its rows (by name in ``lang``), once per release and language:
    what cuts the index into pages without reading every row."""

    def order() -> tuple[str, ...]:
        rows = site.store.page_rows("things-of-kind", kind=kind_namespace(site.base, index.kind))
        things = sorted((URIRef(row["this"]["value"]) for row in rows), key=str)
        labels = site.store.labels(things)
        return tuple(str(t) for t in sorted(things, key=lambda t: node_view(t, lang, labels)["text"].lower()))

    return site.store.remember(("index-order", index.kind, lang), order)


def _views(graph: Graph, nodes: Iterable[Any], lang: str) -> list[dict[str, Any]]:
    unique = {str(n): n for n in nodes}
    views = [node_view(n, lang, graph) for n in unique.values()]
    return sorted(views, key=lambda v: v["text"].lower())


def rows(
    graph: Graph, base: str, index: Index, cells: Callable, lang: str, things: Iterable[URIRef] | None = None
) -> list[dict[str, Any]]:
    """The rows of ``things`` (default: every thing of the index's kind ``graph`` describes), by name."""
    found = []
    for thing in things_of(graph, base, index.kind) if things is None else things:
        types = set(graph.objects(thing, RDF.type))
        for general in (SCHEMA.Thing, SCHEMA.Event):  # inferred or shared by all of a kind: show the telling type
            if len(types) > 1:
                types.discard(general)
        found.append(
            {
                "thing": node_view(thing, lang, graph),
                "types": _views(graph, types, lang),
                "cells": [_views(graph, values, lang) for values in cells(graph, base, thing)],
            }
        )
    return sorted(found, key=lambda row: row["thing"]["text"].lower())


def counts(site: Site) -> list[tuple[Index, int]]:
    """Each index with the number of things on it (counted by the engine, once per release)."""

    def count() -> dict[str, int]:
        rows = site.store.page_rows("things-by-kind", things=things_namespace(site.base))
        return {row["kind"]["value"]: int(row["count"]["value"]) for row in rows}

    found = site.store.remember("things-by-kind", count)
    return [(index, found.get(index.kind, 0)) for index, _ in INDEXES.values()]


@blueprint.route("/browse/")
def overview() -> Response:
    site = current_site()
    lang = reader_language()
    body = render_template("browse.html", lang=lang, indexes=counts(site))
    return representation(body, HTML, variant="browse-", vary=None)


@blueprint.route("/browse/<slug>")
def index_page(slug: str) -> Response:
    site = current_site()
    lang = reader_language()
    if slug not in INDEXES:
        known = ", ".join(f"/browse/{s}" for s in INDEXES)
        raise NotFound(
            Message(
                f"There is no index /browse/{slug}. The indexes are: {known}.",
                f"Det finns ingen förteckning /browse/{slug}. Förteckningarna är: {known}.",
            )
        )
    index, cells = INDEXES[slug]
    ordered = in_order(site, index, lang)
    pages = max(1, -(-len(ordered) // PAGE_ROWS))
    page = _page_number(pages)
    on_page = ordered[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    graph = site.store.page_graph("index", keep=False, values=on_page)
    body = render_template(
        "browse_index.html",
        lang=lang,
        index=index,
        rows=rows(graph, site.base, index, cells, lang, map(URIRef, on_page)),
        total=len(ordered),
        first=(page - 1) * PAGE_ROWS + 1,
        page=page,
        pages=pages,
        kind_iri=site.store.compact(kind_namespace(site.base, index.kind)),
    )
    return representation(body, HTML, variant=f"browse-{slug}-{page}-", vary=None)


def _page_number(pages: int) -> int:
    """``?page=`` (from 1; default 1): a 400 for what is not a page number, a 404 past the last of ``pages``."""
    asked = request.args.get("page", "1")
    if not re.fullmatch(r"[1-9][0-9]{0,8}", asked):  # not str.isdigit: "²" is a digit int() refuses
        raise BadRequest(
            Message(
                f"page must be a whole number from 1, got {asked!r}",
                f"page ska vara ett heltal från 1, inte {asked!r}",
            )
        )
    if int(asked) > pages:
        raise NotFound(
            Message(
                f"This index has {pages} page(s) of {PAGE_ROWS} rows; there is no page {asked}.",
                f"Förteckningen har {pages} sida/sidor om {PAGE_ROWS} rader; sidan {asked} finns inte.",
            )
        )
    return int(asked)
