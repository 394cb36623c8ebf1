"""OneGraphStore answers as rdflib's Memory store does for one graph, and pyshacl validates on it alike."""

from __future__ import annotations

import random
from itertools import product

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from support import PROJECT_ROOT

from digigov_lod.graph import load_files, source_files
from digigov_lod.one_graph_store import OneGraphStore, graph_nodes, one_graph
from digigov_lod.validation import validate

EX = Namespace("http://example.org/")
NODES = [EX[f"n{i}"] for i in range(6)] + [BNode("b1"), BNode("b2")]
PREDICATES = [EX.p, EX.q, RDF.type]
OBJECTS = [*NODES, Literal("x"), Literal("x", lang="sv"), Literal("1", datatype=XSD.integer)]


def _random_triples(rng: random.Random, n: int) -> list[tuple]:
    return [(rng.choice(NODES), rng.choice(PREDICATES), rng.choice(OBJECTS)) for _ in range(n)]


def _both(triples: list[tuple]) -> tuple[Graph, Graph]:
    fast, memory = one_graph(), Graph()
    for graph in (fast, memory):
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return fast, memory


@pytest.mark.parametrize("seed", range(20))
def test_every_pattern_finds_what_memory_finds(seed: int) -> None:
    rng = random.Random(seed)
    fast, memory = _both(_random_triples(rng, 60))
    rng.shuffle(triples := _random_triples(rng, 20))
    for s, p, o in triples[:10]:  # removals by pattern, some matching nothing
        pattern = (s if rng.random() < 0.5 else None, p if rng.random() < 0.5 else None, o)
        fast.remove(pattern)
        memory.remove(pattern)
    assert len(fast) == len(memory)
    for s, p, o in product([None, *NODES], [None, *PREDICATES], [None, *OBJECTS]):
        assert sorted(fast.triples((s, p, o))) == sorted(memory.triples((s, p, o))), (s, p, o)


def test_a_triple_added_twice_counts_once_and_removal_empties_the_indices() -> None:
    graph = one_graph()
    graph.add((EX.a, EX.p, EX.b))
    graph.add((EX.a, EX.p, EX.b))
    graph.add((EX.a, EX.q, Literal("v")))
    assert len(graph) == 2
    graph.remove((EX.a, None, None))
    assert len(graph) == 0
    store = graph.store
    assert isinstance(store, OneGraphStore)
    assert not store._spo and not store._pos and not store._osp


def test_triples_added_while_reading_are_not_part_of_the_answer() -> None:
    graph = one_graph()
    graph.add((EX.a, RDF.type, EX.C))
    for subject in graph.subjects(RDF.type, EX.C):  # as materialisation does: read, then add
        graph.add((EX[f"{subject}-copy"], RDF.type, EX.C))
    assert len(graph) == 2


def test_prefixes_bind_as_in_rdflib() -> None:
    fast, memory = one_graph(), Graph()
    for graph in (fast, memory):
        graph.bind("ex", EX)
        graph.bind("ex", "http://example.com/other#", override=False)
    assert set(fast.namespaces()) == set(memory.namespaces())


def test_a_dataset_over_it_sees_the_one_graph() -> None:
    """pyshacl wraps a data graph in an rdflib Dataset, which needs a context- and graph-aware store."""
    graph = one_graph()
    graph.add((EX.a, EX.p, BNode("b")))
    dataset = Dataset(store=graph.store)
    assert [q[3] for q in dataset.quads((None, None, None, None))] == [graph.identifier]
    assert list(graph.store.contexts()) == [graph]
    assert list(graph.store.contexts((EX.a, EX.p, EX.nothing))) == []


def test_validation_finds_the_same_on_it_as_on_memory() -> None:
    """The project's data, broken in two ways: the same findings on either store (as the build validates)."""
    files = source_files(PROJECT_ROOT / "data") + source_files(PROJECT_ROOT / "ontology")
    shapes = Graph()
    for path in source_files(PROJECT_ROOT / "shapes"):
        shapes.parse(path)
    fast = load_files(files)
    assert isinstance(fast.store, OneGraphStore)
    event = next(fast.subjects(RDF.type, URIRef("https://schema.org/Event")))
    fast.remove((event, URIRef("https://schema.org/name"), None))
    fast.add((event, URIRef("https://schema.org/startDate"), Literal("not a date")))
    memory = Graph()
    memory.addN((s, p, o, memory) for s, p, o in fast)
    on_fast, on_memory = validate(fast, shapes).findings, validate(memory, shapes).findings
    assert on_fast == on_memory
    assert any(f.focus_node == str(event) for f in on_fast)


@pytest.mark.parametrize("seed", range(5))
def test_graph_nodes_are_every_term_of_the_triples(seed: int) -> None:
    fast, memory = _both(_random_triples(random.Random(seed), 40))
    fast.remove((NODES[0], None, None))
    memory.remove((NODES[0], None, None))
    assert graph_nodes(fast) == graph_nodes(memory) == {node for triple in memory for node in triple}
