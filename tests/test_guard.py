"""The lexical guard: query form, read-only, and no network fetches on a user's behalf."""

from __future__ import annotations

import pytest

from digigov_lod.sparql.guard import QueryRefused, inspect


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX s: <https://schema.org/> SELECT ?n WHERE { ?x s:name ?n }", "SELECT"),
        ('SELECT * WHERE { ?s ?p "SERVICE <http://x/> and DELETE" }', "SELECT"),
        ("select ?insert ?load { ?insert <http://ex/service> ?load } # SERVICE in a comment", "SELECT"),
        ("ASK { ?s a ?t }", "ASK"),
        ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/digigov-lod/id/person/lena-micko>", "DESCRIBE"),
        ("SELECT * { ?s ex:delete ?o }", "SELECT"),
    ],
)
def test_form_is_found_and_keywords_in_literals_are_ignored(query: str, form: str) -> None:
    assert inspect(query).form == form


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { service silent <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
        ("LOAD <http://example.org/data.ttl>", "read-only"),
        ("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("DROP ALL", "read-only"),
        ("hello", "Not a SPARQL query"),
        ("SELECT * FROM x:graph { ?s ?p ?o }", "full IRI"),
    ],
)
def test_refused(query: str, reason: str) -> None:
    with pytest.raises(QueryRefused, match=reason):
        inspect(query)


def test_dataset_iris_are_collected() -> None:
    plan = inspect("SELECT * FROM <http://a/> FROM NAMED <http://b/> { ?s ?p ?o }")
    assert plan.dataset_iris == ("http://a/", "http://b/")
