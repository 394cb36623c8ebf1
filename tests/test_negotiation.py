"""Accept parsing: q-values, wildcards, several ranges, and the server's order for ties."""

from __future__ import annotations

import pytest

from digigov_lod.formats import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDF_FORMATS,
    RDFXML,
    RESULT_FORMATS,
    SPARQL_JSON,
    SPARQL_XML,
    TURTLE,
)
from digigov_lod.web.negotiation import NotAcceptable, choose, explicit, parse_accept

DOC = (HTML, *RDF_FORMATS)


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, DOC, HTML),
        ("*/*", RDF_FORMATS, TURTLE),
        ("text/turtle", DOC, TURTLE),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", DOC, JSONLD),
        ("text/turtle;q=0.5, application/n-triples", DOC, NTRIPLES),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", DOC, HTML),
        ("application/rdf+xml, text/*;q=0.1", DOC, RDFXML),
        ("application/*", DOC, JSONLD),
        ("text/*;q=0.3, */*;q=0.1", (JSONLD, TURTLE), TURTLE),
        ("application/sparql-results+xml", RESULT_FORMATS, SPARQL_XML),
        ("application/json", RESULT_FORMATS, SPARQL_JSON),
        ("text/turtle;q=0, */*", (TURTLE, JSONLD), JSONLD),
        ("TEXT/TURTLE", DOC, TURTLE),
    ],
)
def test_choose(accept: str | None, offered: tuple, expected: object) -> None:
    assert choose(accept, offered) is expected


def test_nothing_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        choose("image/png", DOC)
    with pytest.raises(NotAcceptable):
        choose("text/turtle;q=0", (TURTLE,))


def test_malformed_ranges_are_ignored_not_fatal() -> None:
    ranges = parse_accept("text/turtle;q=abc, , garbage, Application/LD+JSON; charset=utf-8")
    assert ranges.quality("text/turtle") == 0 and ranges.quality("application/ld+json") == 1
    assert choose("text/turtle;q=abc, , garbage, application/ld+json", DOC) is JSONLD
    assert choose("text/html, *; q=.2", (TURTLE, HTML)) is HTML and choose("*; q=.2", (TURTLE,)) is TURTLE


def test_explicit_format_by_key_or_media_type() -> None:
    assert explicit("ttl", DOC) is TURTLE
    assert explicit("application/ld+json", DOC) is JSONLD
    assert explicit(None, DOC) is None
    assert explicit("turtle", DOC) is TURTLE  # SPARQLWrapper's names
    assert explicit("xml", RDF_FORMATS) is RDFXML and explicit("xml", RESULT_FORMATS) is SPARQL_XML
    with pytest.raises(NotAcceptable):
        explicit("csv", DOC)


def test_sparql_xml_answers_clients_that_ask_for_application_xml() -> None:
    assert choose("application/xml", RESULT_FORMATS) is SPARQL_XML
    assert choose("application/xml", RDF_FORMATS) is RDFXML
