"""Two pictures of the conference, drawn from the graph as SVG: a timeline of the two days and a
network of the people, the sessions and the organisations.

Each SVG has a ``<title>`` and a ``<desc>``, and each page that shows one also gives its content as
text (:func:`network_links`, the programme itself), so that nothing is only in the picture. No
script: the files are plain SVG served from the site (``/pictures/timeline.svg``,
``/pictures/network.svg``), scaled by their viewBox.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import Any

from flask import Blueprint, Response
from rdflib import Graph, Literal, URIRef

from ..namespaces import SCHEMA
from .i18n import reader_language
from .programme import Day, programme, programme_graph
from .rdf_view import node_view
from .responses import representation
from .site import current_site

blueprint = Blueprint("pictures", __name__)
SVG = "image/svg+xml; charset=utf-8"
INK, MUTED, ACCENT, DAY2 = "#1b1b1b", "#595959", "#12395b", "#8a3b00"
FONT = 'font-family="system-ui, sans-serif"'
SOLID, DASHED = f'stroke="{ACCENT}" stroke-width="1.5"', f'stroke="{DAY2}" stroke-dasharray="4 3"'


def _t(lang: str, sv: str, en: str) -> str:
    return sv if lang == "sv" else en


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t d" {FONT} font-size="13">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>' + "".join(body) + "</svg>"
    )


def timeline_svg(days: list[Day], lang: str) -> str:
    """The two days one under the other, each session a dot on a line, labelled with its name."""
    width, y, body = 320, 28, []
    body.append(
        f'<text x="12" y="20" font-weight="700" fill="{INK}">{escape(_t(lang, "Tidslinje", "Timeline"))}</text>'
    )
    for number, day in enumerate(days):
        colour = ACCENT if number == 0 else DAY2
        y += 18
        body.append(
            f'<text x="12" y="{y}" font-weight="700" fill="{colour}">{escape(day.link["text"])} · {day.date}</text>'
        )
        top, marks = y + 8, []
        y += 14
        for session in day.sessions:
            lines = textwrap.wrap(f"{session.position}. {session.link['text']}", 36) or [""]
            y += 16
            marks.append(f'<circle cx="22" cy="{y - 4}" r="5" fill="{colour}"/>')
            for i, line in enumerate(lines):
                marks.append(f'<text x="36" y="{y + 16 * i}" fill="{INK}">{escape(line)}</text>')
            y += 16 * (len(lines) - 1) + 6
        body.append(f'<line x1="22" y1="{top}" x2="22" y2="{y - 10}" stroke="{colour}" stroke-width="2"/>')
        body += marks
        y += 8
    count = sum(len(d.sessions) for d in days)
    desc = _t(
        lang,
        f"Konferensens {len(days)} dagar med {count} pass i rapportens ordning; namnen står i bilden och i programmet.",
        f"The conference's {len(days)} days with {count} sessions in the report's order; the names are in the "
        "picture and in the programme.",
    )
    return _svg(width, y + 8, _t(lang, "Tidslinje för DigiGov 2017", "Timeline of DigiGov 2017"), desc, body)


@dataclass
class Network:
    people: list[dict[str, Any]]
    sessions: list[dict[str, Any]]  # with "short": day·position
    organisations: list[dict[str, Any]]
    edges: list[tuple[str, str, str]]  # (from iri, to iri, kind: performer | member)


def network(graph: Graph, base: str, lang: str) -> Network:
    """Who performed in which session, and which organisation each person belongs to or represented."""
    days = programme(graph, base, lang)
    sessions, edges, people, organisations = [], [], {}, {}
    for d, day in enumerate(days, start=1):
        for session in day.sessions:
            sessions.append({**session.link, "short": f"{d}·{session.position}"})
            for p in session.performers:
                (people if p.is_person else organisations)[p.who["iri"]] = p.who
                edges.append((p.who["iri"], session.link["iri"], "performer"))
                for org in p.organisations:
                    organisations[org["iri"]] = org
                    edges.append((p.who["iri"], org["iri"], "member"))
    for person in people:
        for org in [
            *graph.objects(URIRef(person), SCHEMA.worksFor),
            *graph.objects(URIRef(person), SCHEMA.affiliation),
        ]:
            organisations.setdefault(str(org), node_view(org, lang, graph))
            edges.append((person, str(org), "member"))
    for org in organisations.values():
        org["short"] = _short_name(graph, URIRef(org["iri"]), lang, org["text"])
    return Network(
        people=sorted(people.values(), key=lambda v: v["text"].lower()),
        sessions=sessions,
        organisations=sorted(organisations.values(), key=lambda v: v["short"].lower()),
        edges=sorted(set(edges)),
    )


def _short_name(graph: Graph, org: URIRef, lang: str, name: str) -> str:
    """The shortest of the name and the alternative names in the reader's language (SKL, UNSW …)."""
    names = [name] + [
        str(v)
        for v in graph.objects(org, SCHEMA.alternateName)
        if isinstance(v, Literal) and v.language in (lang, None)
    ]
    return min(names, key=len)


def network_svg(net: Network, lang: str) -> str:
    """Three columns: people (left), sessions (middle, as day·position), organisations (right)."""
    row, top = 24, 44
    height = top + row * max(len(net.people), len(net.sessions), len(net.organisations)) + 12
    left = 16 + 7 * max((len(v["text"]) for v in net.people), default=10)  # room for the longest name
    x_person, x_session, x_org = left + 8, left + 92, left + 170
    at: dict[str, tuple[int, int]] = {}
    bold = f'font-weight="700" fill="{INK}"'
    body = [
        f'<text x="{left}" y="22" text-anchor="end" {bold}>{_t(lang, "Personer", "People")}</text>',
        f'<text x="{x_session}" y="22" text-anchor="middle" {bold}>{_t(lang, "Pass", "Sessions")}</text>',
        f'<text x="{x_org + 8}" y="22" {bold}>{_t(lang, "Organisationer", "Organisations")}</text>',
    ]
    for i, v in enumerate(net.people):
        at[v["iri"]] = (x_person, top + row * i)
    for i, v in enumerate(net.sessions):
        at[v["iri"]] = (x_session, top + row * i)
    for i, v in enumerate(net.organisations):
        at[v["iri"]] = (x_org, top + row * i)
    lines = []
    for a, b, kind in net.edges:
        if a in at and b in at:
            (x1, y1), (x2, y2) = at[a], at[b]
            style = (
                f'stroke="{ACCENT}" stroke-width="1.5"'
                if kind == "performer"
                else f'stroke="{DAY2}" stroke-dasharray="4 3"'
            )
            lines.append(f'<line x1="{x1}" y1="{y1 - 4}" x2="{x2}" y2="{y2 - 4}" {style} opacity=".55"/>')
    body += lines
    for v in net.people:
        x, y = at[v["iri"]]
        body.append(f'<circle cx="{x}" cy="{y - 4}" r="4" fill="{ACCENT}"/>')
        body.append(f'<text x="{x - 8}" y="{y}" text-anchor="end" fill="{INK}">{escape(v["text"])}</text>')
    for v in net.sessions:
        x, y = at[v["iri"]]
        body.append(f'<rect x="{x - 17}" y="{y - 14}" width="34" height="19" rx="4" fill="#fff" stroke="{ACCENT}"/>')
        body.append(f'<text x="{x}" y="{y}" text-anchor="middle" fill="{INK}">{escape(v["short"])}</text>')
    for v in net.organisations:
        x, y = at[v["iri"]]
        body.append(f'<circle cx="{x}" cy="{y - 4}" r="4" fill="{DAY2}"/>')
        body.append(f'<text x="{x + 8}" y="{y}" fill="{INK}">{escape(v["short"])}</text>')
    width = x_org + 16 + 7 * max((len(v["short"]) for v in net.organisations), default=10) + 8
    desc = _t(
        lang,
        f"{len(net.people)} personer och {len(net.organisations)} organisationer förbundna med de {len(net.sessions)} "
        "passen de medverkade i (hel linje, passen som dag·ordning) och med organisationerna personerna hör till "
        "(streckad linje). Samma uppgifter står som text under bilden.",
        f"{len(net.people)} people and {len(net.organisations)} organisations linked to the {len(net.sessions)} "
        "sessions they took part in (solid line, sessions as day·order) and to the organisations the people belong "
        "to (dashed line). The same facts are given as text below the picture.",
    )
    title = _t(lang, "Nätverk: personer, pass och organisationer", "Network: people, sessions and organisations")
    return _svg(width, height, title, desc, body)


def network_links(net: Network) -> list[dict[str, Any]]:
    """The picture as text: each session with its people and organisations."""
    by_iri = {v["iri"]: v for v in [*net.people, *net.organisations]}
    out = []
    for session in net.sessions:
        who = [by_iri[a] for a, b, kind in net.edges if b == session["iri"] and kind == "performer" and a in by_iri]
        out.append({"session": session, "who": who})
    return out


def _svg_response(body: str, name: str) -> Response:
    response = representation(body, SVG, variant=f"{reader_language()}-{name}-", vary="Accept-Language")
    response.headers["Content-Language"] = reader_language()
    return response


@blueprint.route("/pictures/timeline.svg")
def timeline() -> Response:
    site = current_site()
    lang = reader_language()
    return _svg_response(timeline_svg(programme(programme_graph(site), site.base, lang), lang), "timeline")


@blueprint.route("/pictures/network.svg")
def network_picture() -> Response:
    site = current_site()
    lang = reader_language()
    return _svg_response(network_svg(network(programme_graph(site), site.base, lang), lang), "network")
