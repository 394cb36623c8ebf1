"""Content-derived blank-node labels: the same graph, and the same bytes however its blank nodes were named.

The shapes of blank nodes a release writes (a validation report's results and their paths, RDF lists,
look-alike results under one report, equal sub-trees under different parents) and a cycle, which is left
to rdflib's canonicalisation. Each graph is checked against itself re-parsed with new blank-node names.
"""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from digigov_lod.blank_nodes import stable_labels, with_stable_blank_nodes
from digigov_lod.formats import NTRIPLES, TURTLE
from digigov_lod.release import content_version, serialize

EX = "http://example.org/"

REPORT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
[] a sh:ValidationReport ; sh:conforms false ;
   sh:result [ a sh:ValidationResult ; sh:focusNode ex:a ; sh:resultPath [ sh:inversePath ex:p ] ;
               sh:resultMessage "missing" ] ,
             [ a sh:ValidationResult ; sh:focusNode ex:a ; sh:resultPath [ sh:inversePath ex:p ] ;
               sh:resultMessage "missing" ] ,
             [ a sh:ValidationResult ; sh:focusNode ex:b ; sh:resultPath ( ex:p ex:q ) ;
               sh:resultMessage "missing" ] .
ex:c ex:knows [ ex:name "x" ] .
ex:d ex:knows [ ex:name "x" ] .
"""
CYCLE = """
@prefix ex: <http://example.org/> .
_:a ex:next _:b . _:b ex:next _:c . _:c ex:next _:a . _:a ex:name "a" .
"""


def renamed(graph: Graph) -> Graph:
    """The same graph with fresh blank-node names, its triples added in a shuffled order."""
    names: dict[BNode, BNode] = {}

    def fresh(node):  # type: ignore[no-untyped-def]
        return names.setdefault(node, BNode()) if isinstance(node, BNode) else node

    triples = sorted(graph, key=str)
    random.Random(len(triples)).shuffle(triples)
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for s, p, o in triples:
        copy.add((fresh(s), p, fresh(o)))
    return copy


@pytest.mark.parametrize("text", [REPORT, CYCLE], ids=["report", "cycle"])
def test_the_same_graph_and_the_same_bytes_under_any_blank_node_names(text: str) -> None:
    graph = Graph().parse(data=text, format="turtle")
    stable, again = with_stable_blank_nodes(graph), with_stable_blank_nodes(renamed(graph))
    assert isomorphic(stable, graph) and len(stable) == len(graph)
    for fmt in (NTRIPLES, TURTLE):  # as the build writes them
        assert serialize(stable, fmt) == serialize(again, fmt)
    assert content_version(graph) == content_version(renamed(graph))


def test_look_alike_results_stay_two_nodes() -> None:
    """Two equal results under one report are interchangeable, not one: the report keeps three results."""
    graph = Graph().parse(data=REPORT, format="turtle")
    labels = stable_labels(graph)
    assert labels is not None and len(set(labels.values())) == len(labels)
    stable = with_stable_blank_nodes(graph)
    assert len(list(stable.objects(None, SH.result))) == 3
    equal_subtrees = {o for o in stable.objects(None, URIRef(EX + "knows"))}
    assert len(equal_subtrees) == 2  # the same description under two parents: still two nodes


def test_a_cycle_is_left_to_rdflib() -> None:
    assert stable_labels(Graph().parse(data=CYCLE, format="turtle")) is None


def test_different_graphs_get_different_versions() -> None:
    graph = Graph().parse(data=REPORT, format="turtle")
    changed = renamed(graph)
    message = next(changed.subject_objects(SH.resultMessage))
    changed.set((message[0], SH.resultMessage, Literal("other")))
    assert content_version(changed) != content_version(graph)


def test_thousands_of_look_alike_results() -> None:
    """The case rdflib's canonicalisation did not finish (bench/corpus.py --copies 500): thousands of results,
    a hundred alike for each focus node. (Its time is in the README's build figures, not asserted here.)"""
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    for n in range(5000):
        result, path = BNode(), BNode()
        graph.add((report, SH.result, result))
        graph.add((result, SH.focusNode, URIRef(f"{EX}thing-{n % 50}")))
        graph.add((result, SH.resultPath, path))
        graph.add((path, SH.inversePath, URIRef(EX + "p")))
    stable = with_stable_blank_nodes(graph)
    assert len(stable) == len(graph) and len(set(stable.objects(None, SH.result))) == 5000
    assert serialize(stable, NTRIPLES) == serialize(with_stable_blank_nodes(renamed(graph)), NTRIPLES)
