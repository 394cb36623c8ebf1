"""Syntax errors read well: the engine's position, and a misspelt keyword named with its fix."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from digigov_lod.sparql.errors import misspelt_keyword, readable_syntax_error


def engine_error(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query)
    return str(caught.value)


@pytest.mark.parametrize(
    ("query", "word", "meant", "line"),
    [
        ("SELECT ?p WHERE {\n  ?p ?q ?r .\n}\nORDR BY ?p", "ORDR", "ORDER", 4),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "LIMT", "LIMIT", 1),
        ("SELECT * WHERE { ?s ?p ?o FILTR(?o = 1) }", "FILTR", "FILTER", 1),
        ("SELCT * WHERE { ?s ?p ?o }", "SELCT", "SELECT", 1),
    ],
)
def test_a_misspelt_keyword_is_named_with_the_one_meant(query: str, word: str, meant: str, line: int) -> None:
    message = readable_syntax_error(query, engine_error(query))
    assert f"{word!r} on line {line} is not a SPARQL keyword: did you mean {meant}?" in message
    assert message.sv and f"{word!r} på rad {line} är inget nyckelord i SPARQL: menade du {meant}?" in message.sv
    assert "väntade" in message.sv and "expected" not in message.sv


def test_names_strings_iris_and_comments_are_not_taken_for_keywords() -> None:
    lines = [
        'PREFIX ex: <http://example.org/LIMT#>  SELECT ?ordr WHERE { ?ordr ex:ordr "LIMT" ; a ex:Limt }  # ORDR',
        "FILTER(langMatches(lang(?n), 'en') && ?x = true) ORDER BY DESC(?n) LIMIT 3 OFFSET 2",
        '?s ?p "x"@en, "1"^^xsd:integer .',
    ]
    assert misspelt_keyword(lines) is None


def test_an_error_without_a_misspelling_gives_no_guess() -> None:
    query = "SELECT * WHERE { ?s ?p ?o "
    message = readable_syntax_error(query, engine_error(query))
    assert "line 1" in message and "did you mean" not in message
