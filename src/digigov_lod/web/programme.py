"""The programme: both conference days, their sessions in the report's order, who spoke and what was said.

Read from the part of the data the ``programme`` page query answers (``sparql/pages/programme.rq``), never
the whole graph, so the page costs the same however many other conferences a release holds: the
order is ``schema:position`` per day, the people are the direct ``schema:performer`` statements, and
their role and organisation come from the Role node that qualifies each (see docs/modelling.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, render_template
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..formats import HTML
from ..iris import thing_iri
from ..namespaces import SCHEMA, vocab_namespace
from .i18n import reader_language
from .rdf_view import literals_in_language, node_view
from .responses import representation
from .site import Site, current_site

blueprint = Blueprint("programme", __name__)

CONFERENCE = ("event", "digigov-2017")  # kind and slug


def dgv(site_base: str, name: str) -> URIRef:
    """A term of the project's vocabulary (its namespace follows the release's base)."""
    return vocab_namespace(site_base)[name]


@dataclass
class Performer:
    who: dict[str, Any]
    roles: list[str]
    organisations: list[dict[str, Any]]
    is_person: bool


@dataclass
class Session:
    iri: URIRef
    link: dict[str, Any]
    position: int | None
    kinds: list[dict[str, Any]]
    performers: list[Performer]
    topics: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    parts: list[Session] = field(default_factory=list)


@dataclass
class Day:
    iri: URIRef
    link: dict[str, Any]
    date: str
    sessions: list[Session]


def programme_graph(site: Site) -> Graph:
    """The conference's days, sessions, performers, roles, organisations and claims with their labels
    (once per release)."""
    base = site.base
    terms = {name: str(dgv(base, name)) for name in ("statedAt", "performerRole", "represents")}
    return site.store.page_graph("programme", conference=thing_iri(base, *CONFERENCE), **terms)


def _sorted_views(graph: Graph, nodes: list[Any], lang: str) -> list[dict[str, Any]]:
    views = {str(n): node_view(n, lang, graph) for n in nodes}
    return sorted(views.values(), key=lambda v: v["text"].lower())


def _performer(graph: Graph, base: str, session: URIRef, who: URIRef, lang: str) -> Performer:
    roles, organisations = [], []
    for role in graph.objects(session, dgv(base, "performerRole")):
        if (role, dgv(base, "roleValue"), who) in graph:
            roles += literals_in_language(graph, role, SCHEMA.roleName, lang)
            organisations += list(graph.objects(role, dgv(base, "represents")))
    is_person = (who, RDF.type, SCHEMA.Person) in graph
    if is_person and not organisations:  # not said to represent anyone: where the person works
        organisations = list(graph.objects(who, SCHEMA.worksFor)) or list(graph.objects(who, SCHEMA.affiliation))
    organisations = [o for o in organisations if o != who]  # an organisation on stage represents itself
    return Performer(
        node_view(who, lang, graph), sorted(set(roles)), _sorted_views(graph, organisations, lang), is_person
    )


def _session(graph: Graph, base: str, iri: URIRef, lang: str) -> Session:
    performers = [_performer(graph, base, iri, who, lang) for who in graph.objects(iri, SCHEMA.performer)]
    performers.sort(key=lambda p: (not p.is_person, p.who["text"].lower()))
    claims = [node_view(c, lang, graph) for c in graph.subjects(dgv(base, "statedAt"), iri)]
    parts = [_session(graph, base, part, lang) for part in graph.subjects(SCHEMA.superEvent, iri)]
    position = graph.value(iri, SCHEMA.position)
    kinds = [node_view(t, lang, graph) for t in graph.objects(iri, RDF.type) if str(t).startswith(base)]
    return Session(
        iri=iri,
        link=node_view(iri, lang, graph),
        position=int(position) if isinstance(position, Literal) else None,
        kinds=kinds,
        performers=performers,
        topics=_sorted_views(graph, list(graph.objects(iri, SCHEMA.about)), lang),
        claims=sorted(claims, key=lambda v: v["text"].lower()),
        parts=sorted(parts, key=_order),
    )


def _order(session: Session) -> tuple[int, str]:
    return (session.position if session.position is not None else 1_000_000, session.link["text"].lower())


def programme(graph: Graph, base: str, lang: str) -> list[Day]:
    """The conference's days by date, each with its sessions in the report's order."""
    conference = URIRef(thing_iri(base, *CONFERENCE))
    days = []
    for day in graph.subjects(SCHEMA.superEvent, conference):
        if (day, RDF.type, dgv(base, "ConferenceDay")) not in graph:
            continue
        sessions = [_session(graph, base, s, lang) for s in graph.subjects(SCHEMA.superEvent, day)]
        date = str(graph.value(day, SCHEMA.startDate) or "")
        days.append(Day(day, node_view(day, lang, graph), date, sorted(sessions, key=_order)))
    return sorted(days, key=lambda d: d.date)


@blueprint.route("/programme")
def programme_page() -> Response:
    from .pictures import network, network_links  # the pictures are drawn from the programme: no import cycle

    site = current_site()
    lang = reader_language()
    graph = programme_graph(site)
    body = render_template(
        "programme.html",
        lang=lang,
        days=programme(graph, site.base, lang),
        network=network_links(network(graph, site.base, lang)),
        conference=node_view(URIRef(thing_iri(site.base, *CONFERENCE)), lang, graph),
    )
    return representation(body, HTML, variant="programme-", vary=None)
