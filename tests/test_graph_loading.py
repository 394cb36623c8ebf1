"""Turtle read through Oxigraph's parser gives exactly the triples rdflib's parser gives.

``graph.read_turtle`` parses with Oxigraph for speed and converts the terms; rdflib's own parse is the
reference (literal lexical forms, datatypes and language tags compared as rdflib terms, blank nodes up to
renaming), on every Turtle file the project has and on the cases Oxigraph would read otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from data_fixtures import DATA_DIR, FIXTURES_DIR, ONTOLOGY_DIR, SHAPES_DIR
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from digigov_lod.graph import SourceError, _parse_with_rdflib, load_files, parse_turtle

FILES = sorted(
    [
        *DATA_DIR.glob("*.ttl"),
        *ONTOLOGY_DIR.glob("*.ttl"),
        *SHAPES_DIR.glob("*.ttl"),
        *FIXTURES_DIR.glob("broken/*.ttl"),
    ]
)


def reference(path: Path) -> Graph:
    return _parse_with_rdflib(path, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_every_source_file_reads_as_rdflib_reads_it(path):
    fast, slow = parse_turtle(path), reference(path)
    assert len(fast) == len(slow)
    assert isomorphic(fast, slow)


@pytest.mark.parametrize(
    "turtle, expected",
    [
        ('<a> <b> "x"@SV-se .', Literal("x", lang="SV-se")),
        ('<a> <b> "x"^^xsd:string .', Literal("x", datatype=XSD.string)),
        ("<a> <b> 1.50 .", Literal("1.50", datatype=XSD.decimal)),
        ("<a> <b> 1e3 .", Literal("1e3", datatype=XSD.double)),
        ('<a> <b> "2017-12-05"^^xsd:date .', Literal("2017-12-05", datatype=XSD.date)),
        ('<a> <b> """two\nlines"""@sv .', Literal("two\nlines", lang="sv")),
    ],
    ids=["capital-language-tag", "explicit-xsd-string", "decimal", "double", "date", "long-string"],
)
def test_terms_that_oxigraph_and_rdflib_could_read_differently(tmp_path, turtle, expected):
    path = tmp_path / "case.ttl"
    path.write_text("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle + "\n", encoding="utf-8")
    (value,) = parse_turtle(path).objects()
    assert value == expected and value.language == expected.language and value.datatype == expected.datatype
    assert isomorphic(parse_turtle(path), reference(path))


def test_blank_nodes_of_two_files_stay_apart(tmp_path):
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text("_:b1 <http://e/p> <http://e/o> .\n", encoding="utf-8")
    union = load_files(sorted(tmp_path.glob("*.ttl")))
    assert len(set(union.subjects(URIRef("http://e/p"), None))) == 2


def test_a_syntax_error_still_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('<http://e/a> <http://e/b> "ok" .\n\n<http://e/a> <http://e/b> "unterminated .\n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_turtle(path)
    assert caught.value.path == path and caught.value.line == 3
    assert "Turtle syntax error" in str(caught.value)


def test_files_share_their_iris_and_literals_but_not_their_blank_nodes(tmp_path: Path) -> None:
    """One rdflib object per IRI and literal across files: rdflib's indexes then find a term by identity
    instead of a Python ``__eq__`` (half of the 100-copy build's time); blank nodes stay per file."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(
            f'@prefix schema: <https://schema.org/> .\n<https://example.org/{name}> schema:name "same" .\n'
            '[] schema:name "blank" .\n'
        )
    graph = load_files(sorted(tmp_path.glob("*.ttl")))
    named = [(p, o) for s, p, o in graph if isinstance(s, URIRef)]
    assert len(named) == 2
    (p1, o1), (p2, o2) = named
    assert p1 is p2 and o1 is o2
    assert len({s for s, _, _ in graph if not isinstance(s, URIRef)}) == 2
