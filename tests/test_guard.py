"""The lexical guard: query form, read-only, and no network fetches on a user's behalf."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digigov_lod.sparql.guard import MAX_NESTING, MAX_OPERATORS, QueryRefused, inspect


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


def _nested_braces(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth


def _nested_subselects(levels: int) -> str:  # two brackets a level
    return "SELECT * WHERE { " + "{ SELECT * WHERE { " * levels + "?s ?p ?o" + " } }" * levels + " }"


def _chained_unions(count: int) -> str:
    return "SELECT * WHERE { { ?s ?p ?o }" + " UNION { ?s ?p ?o }" * count + " }"


def _chained_sums(count: int) -> str:
    return "SELECT * WHERE { BIND(1" + " + 1" * count + " AS ?x) }"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (_nested_braces(MAX_NESTING + 1), f"at most {MAX_NESTING}"),
        (_nested_subselects(MAX_NESTING // 2), f"at most {MAX_NESTING}"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }", "levels deep"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 10_000 + "?o) }", f"at most {MAX_OPERATORS}"),
        (_chained_unions(MAX_OPERATORS + 1), "Split it into smaller queries"),
        (_chained_sums(10_000), "operators"),
    ],
)
def test_queries_that_would_overflow_the_engine_are_refused(query: str, reason: str) -> None:
    with pytest.raises(QueryRefused, match=reason):
        inspect(query)


def test_nothing_in_literals_iris_or_names_counts_towards_the_limits() -> None:
    values = " ".join(f"<http://e/a-b-{n}>" for n in range(MAX_OPERATORS))  # '<', '>' and '-' in IRIs
    inspect(f'SELECT * WHERE {{ VALUES ?x {{ {values} }} BIND("{"(" * 500}" AS ?y) }}')


def test_the_limits_sit_well_below_where_the_engine_crashes() -> None:
    """The largest queries the guard lets through run in a real engine process without crashing it."""
    script = (
        "import sys, pyoxigraph as ox\n"
        "store = ox.Store()\n"
        "for query in sys.stdin.read().split('\\x00'):\n"
        "    list(store.query(query))\n"
        "print('survived')\n"
    )
    largest = [
        _nested_braces(MAX_NESTING),
        _nested_subselects(MAX_NESTING // 2 - 1),
        _chained_unions(MAX_OPERATORS - 1),  # 'SELECT *' counts as one
        _chained_sums(MAX_OPERATORS - 1),
    ]
    for query in largest:
        inspect(query)
    run = subprocess.run(
        [sys.executable, "-c", script], input="\x00".join(largest), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and "survived" in run.stdout, run.stderr
