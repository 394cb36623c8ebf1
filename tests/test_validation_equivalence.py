"""The fast validation finds exactly what the slow path finds.

The slow path is pyshacl as the project ran it before validation was made fast (issue 12): the shapes as they
were then (tests/fixtures/shapes-reference/), the data graph copied and the ontology mixed in, every SPARQL
query parsed and run by rdflib, once per focus node. The fast path is :func:`digigov_lod.validation.validate`
with today's shapes/. Both run over the real data, over the real data with each broken Turtle fixture added,
and over the real data with every mutation of test_shapes_catch_errors applied at once; the findings (focus
node, rule, constraint, path, value, severity, message, file:line) must be the same, one for one.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from functools import lru_cache

import pytest
from data_fixtures import FIXTURES_DIR, ONTOLOGY_DIR, ROOT, SHAPES_DIR, fresh_data_graph, ontology_graph, parse_files
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from test_shapes_catch_errors import CASES

from digigov_lod.build import _subject_locations
from digigov_lod.config import Settings
from digigov_lod.graph import load_files, source_files
from digigov_lod.validation import Finding, findings_from_report, validate

REFERENCE_SHAPES = FIXTURES_DIR / "shapes-reference"
BROKEN = sorted((FIXTURES_DIR / "broken").glob("*.ttl"))


@lru_cache(maxsize=1)
def locations() -> dict[str, list[str]]:
    """subject → file:line, as the build computes it for the real sources."""
    settings = Settings(project_root=ROOT)
    origins: dict = {}
    load_files(source_files(settings.data_dir) + source_files(ONTOLOGY_DIR), settings.base_iri, None, origins)
    return _subject_locations(origins, settings)


def slow_findings(graph: Graph, folder=REFERENCE_SHAPES) -> Counter[Finding]:
    shapes = parse_files(folder.glob("*.ttl"))
    _, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        meta_shacl=False,
    )
    return Counter(findings_from_report(report, locations(), shapes))


def fast_findings(graph: Graph) -> Counter[Finding]:
    outcome = validate(graph, parse_files(SHAPES_DIR.glob("*.ttl")), ontology_graph(), locations())
    return Counter(outcome.findings)


def all_mutations(graph: Graph) -> Graph:
    """Every case of test_shapes_catch_errors at once (a case that an earlier one made moot is left out)."""
    for _name, _shapes, mutate, _expected in CASES:
        with contextlib.suppress(AssertionError):
            mutate(graph)
    return graph


def with_fixture(name: str):
    def broken() -> Graph:
        graph = fresh_data_graph()
        graph.parse(FIXTURES_DIR / "broken" / name, format="turtle")
        return graph

    return broken


GRAPHS = [
    ("real-data", fresh_data_graph),
    *((path.stem, with_fixture(path.name)) for path in BROKEN),
    ("all-mutations-at-once", lambda: all_mutations(fresh_data_graph())),
]


@pytest.mark.slow  # the reference path runs pyshacl as before issue 12: minutes of CPU
@pytest.mark.parametrize("make_graph", [g[1] for g in GRAPHS], ids=[g[0] for g in GRAPHS])
def test_fast_validation_finds_what_the_slow_path_finds(make_graph):
    graph = make_graph()  # one graph for both, so that blank nodes have the same names in both reports
    slow = slow_findings(graph)  # pyshacl validates a copy: the graph is left as it was
    fast = fast_findings(graph)
    missing, extra = slow - fast, fast - slow
    only_slow = "\n".join(f.describe() for f in missing)
    only_fast = "\n".join(f.describe() for f in extra)
    assert not missing and not extra, f"only in the slow path:\n{only_slow}\n\nonly in the fast path:\n{only_fast}"
    assert slow or make_graph is fresh_data_graph  # a broken graph is found broken by both


@pytest.mark.slow  # plain pyshacl over rdflib's SPARQL engine, twice per graph
@pytest.mark.parametrize("make_graph", [GRAPHS[0][1], GRAPHS[-1][1]], ids=[GRAPHS[0][0], GRAPHS[-1][0]])
def test_todays_shapes_mean_the_same_to_plain_pyshacl(make_graph):
    """The rewritten SPARQL in shapes/ gives the same findings through rdflib's engine too (not only Oxigraph's)."""
    graph = make_graph()
    assert slow_findings(graph, SHAPES_DIR) == slow_findings(graph)


def test_the_broken_fixtures_are_all_compared():
    assert len(BROKEN) >= 7
