"""Markup that tries to break out of script elements, and a parser to check it stayed inert."""

from __future__ import annotations

from html.parser import HTMLParser

from rdflib import Graph, Literal, URIRef
from support import PROJECT_ROOT

from digigov_lod.graph import load_sources

BASE = "https://w3id.org/digigov-lod/"
SDO = "https://schema.org/"
EVIL = "</script><script>alert(1)</script>"
EVIL_IRI = BASE + "id/person/evil"
NASTY = [EVIL, "<!-- <script> & &amp; \u2028 \u2029 ]]> '\" </SCRIPT >", "a</script\n>b"]


def graph_with_evil_person() -> Graph:
    """The real graph plus a person whose literals try to end the script element."""
    graph = load_sources(PROJECT_ROOT / "data", PROJECT_ROOT / "ontology", BASE)
    person = URIRef(EVIL_IRI)
    graph.add((person, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(SDO + "Person")))
    graph.add((person, URIRef(SDO + "name"), Literal(EVIL, lang="sv")))
    graph.add((person, URIRef(SDO + "name"), Literal(EVIL, lang="en")))
    for text in NASTY:
        graph.add((person, URIRef(SDO + "description"), Literal(text)))
    # and make it reachable from the conference, so the big snippet carries it too
    graph.add((URIRef(BASE + "id/event/digigov-2017"), URIRef(SDO + "organizer"), person))
    return graph


class Scripts(HTMLParser):
    """Collects every script element (as html5 parsing sees it: text up to the first ``</script``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def only_script(html: str) -> tuple[dict[str, str | None], str]:
    parser = Scripts()
    parser.feed(html)
    parser.close()
    assert len(parser.scripts) == 1, parser.scripts
    return parser.scripts[0]


def inline_scripts(html: str) -> list[tuple[dict[str, str | None], str]]:
    """The script elements with content (external ``<script src>`` files from this site excluded)."""
    parser = Scripts()
    parser.feed(html)
    parser.close()
    external = [attrs for attrs, _ in parser.scripts if attrs.get("src")]
    assert all(str(attrs["src"]).startswith("/static/") for attrs in external), external
    return [(attrs, text) for attrs, text in parser.scripts if not attrs.get("src")]
