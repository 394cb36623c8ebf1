"""The fast validation finds exactly what the slow path finds.

The slow path is pyshacl as the project ran it before validation was made fast (issue 12): the shapes as they
were then (tests/fixtures/shapes-reference/), the data graph copied and the ontology mixed in, every SPARQL
query parsed and run by rdflib, once per focus node. The fast path is :func:`digigov_lod.validation.validate`
with today's shapes/, with the targets narrowed (shacl_narrowing.py) and without. All run over the real data,
over the real data with each broken Turtle fixture added, and over the real data with every mutation of
test_shapes_catch_errors applied at once; the findings (focus node, rule, constraint, path, value, severity,
message, file:line) must be the same, one for one. At scale, a corpus of several conferences with the broken
fixtures in every one gives the same findings with and without narrowing.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from data_fixtures import FIXTURES_DIR, ONTOLOGY_DIR, ROOT, SHAPES_DIR, fresh_data_graph, ontology_graph, parse_files
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from test_shapes_catch_errors import CASES

from digigov_lod.config import Settings
from digigov_lod.graph import load_files, source_files
from digigov_lod.inference import materialise
from digigov_lod.locations import SubjectLocations
from digigov_lod.validation import Finding, findings_from_report, validate

REFERENCE_SHAPES = FIXTURES_DIR / "shapes-reference"
BROKEN = sorted((FIXTURES_DIR / "broken").glob("*.ttl"))


@lru_cache(maxsize=1)
def locations() -> SubjectLocations:
    """subject → file:line, as the build computes it for the real sources."""
    settings = Settings(project_root=ROOT)
    origins: dict = {}
    load_files(source_files(settings.data_dir) + source_files(ONTOLOGY_DIR), settings.base_iri, None, origins)
    return SubjectLocations(origins, settings.project_root, settings.base_iri)


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


def fast_findings(graph: Graph, narrow: bool = True) -> Counter[Finding]:
    outcome = validate(graph, parse_files(SHAPES_DIR.glob("*.ttl")), ontology_graph(), locations(), narrow=narrow)
    return Counter(outcome.findings)


def differences(expected: Counter[Finding], found: Counter[Finding], names: tuple[str, str]) -> str:
    missing = "\n".join(f.describe() for f in expected - found)
    extra = "\n".join(f.describe() for f in found - expected)
    return f"only {names[0]}:\n{missing}\n\nonly {names[1]}:\n{extra}"


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
    assert slow == fast, differences(slow, fast, ("in the slow path", "in the fast path"))
    assert slow or make_graph is fresh_data_graph  # a broken graph is found broken by both


#: The real data and every mutation at once in the fast loop; each broken fixture alone in make test-all.
NARROWING_GRAPHS = [
    pytest.param(make, id=name, marks=() if make in (GRAPHS[0][1], GRAPHS[-1][1]) else pytest.mark.slow)
    for name, make in GRAPHS
]


@pytest.mark.parametrize("make_graph", NARROWING_GRAPHS)
def test_narrowed_targets_find_what_all_targets_find(make_graph):
    graph = make_graph()
    everything, narrowed = fast_findings(graph, narrow=False), fast_findings(graph)
    assert everything == narrowed, differences(everything, narrowed, ("with all targets", "with narrowed targets"))


@pytest.mark.slow  # plain pyshacl over rdflib's SPARQL engine, twice per graph
@pytest.mark.parametrize("make_graph", [GRAPHS[0][1], GRAPHS[-1][1]], ids=[GRAPHS[0][0], GRAPHS[-1][0]])
def test_todays_shapes_mean_the_same_to_plain_pyshacl(make_graph):
    """The rewritten SPARQL in shapes/ gives the same findings through rdflib's engine too (not only Oxigraph's)."""
    graph = make_graph()
    assert slow_findings(graph, SHAPES_DIR) == slow_findings(graph)


def test_the_broken_fixtures_are_all_compared():
    assert len(BROKEN) >= 7


def corpus_with_broken_copies(copies: int, folder: Path) -> Settings:
    """``copies`` conferences (bench/corpus.py), each with every broken fixture renamed into it."""
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    corpus.write_corpus(copies, folder)
    for path in BROKEN:
        text = path.read_text(encoding="utf-8")
        for n in range(copies):
            copy = text if n == 0 else corpus.THING.sub(rf"\g<1>c{n}-", text)
            (folder / "data" / f"broken-{path.stem}-{n:04d}.ttl").write_text(copy, encoding="utf-8")
    return Settings(project_root=folder)


@pytest.mark.slow
def test_at_scale_narrowing_finds_the_violations_of_every_copy(tmp_path):
    copies = 3
    settings = corpus_with_broken_copies(copies, tmp_path)
    origins: dict = {}
    data_files, ontology_files = source_files(settings.data_dir), source_files(settings.ontology_dir)
    graph = load_files(data_files + ontology_files, settings.base_iri, None, origins)
    materialise(graph, settings.base_iri)
    shapes, ontology = parse_files(SHAPES_DIR.glob("*.ttl")), load_files(ontology_files, settings.base_iri)
    where = SubjectLocations(origins, settings.project_root, settings.base_iri)
    narrowed = Counter(validate(graph, shapes, ontology, where).findings)
    everything = Counter(validate(graph, shapes, ontology, where, narrow=False).findings)
    assert everything == narrowed, differences(everything, narrowed, ("with all targets", "with narrowed targets"))
    broken_files = {place.split(":")[0] for f in narrowed if f.severity == "Violation" for place in f.files}
    for n in range(copies):  # every copy's injected violations are found, each in its own file
        assert any(name.endswith(f"-{n:04d}.ttl") and "/broken-" in name for name in broken_files), n
