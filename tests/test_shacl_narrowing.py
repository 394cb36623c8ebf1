"""Narrowing keeps every focus node that violates a shape, and leaves a shape it cannot translate alone.

Each rule of :mod:`digigov_lod.shacl_narrowing` is tried on many small random graphs (seeded, so a failure
repeats): every node pyshacl finds in violation of the shape must be among the shape's candidates, and the
findings with narrowing must be those without it.
"""

from __future__ import annotations

import random

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SH, XSD

from digigov_lod.shacl_narrowing import narrowed_shapes
from digigov_lod.shacl_queries import QueryGraph
from digigov_lod.validation import validate

EX = Namespace("http://example.org/")
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <http://example.org/> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""

#: One shape per rule (and combinations the project's shapes use), each targeting ex:C.
RULES = {
    "min-count-1": "sh:property [ sh:path ex:p ; sh:minCount 1 ]",
    "min-count-2": "sh:property [ sh:path ex:p ; sh:minCount 2 ]",
    "max-count-1": "sh:property [ sh:path ex:p ; sh:maxCount 1 ]",
    "max-count-0": "sh:property [ sh:path ex:q ; sh:maxCount 0 ]",
    "datatype-string": "sh:property [ sh:path ex:p ; sh:datatype xsd:string ]",
    "datatype-integer": "sh:property [ sh:path ex:p ; sh:datatype xsd:integer ]",
    "datatype-langstring": "sh:property [ sh:path ex:p ; sh:datatype rdf:langString ]",
    "node-kind-iri": "sh:nodeKind sh:IRI ; sh:property [ sh:path ex:q ; sh:nodeKind sh:IRI ]",
    "node-kind-literal": "sh:property [ sh:path ex:p ; sh:nodeKind sh:Literal ]",
    "class": "sh:property [ sh:path ex:q ; sh:class ex:C ]",
    "pattern-on-node": 'sh:pattern "/[a-c]$"',
    "pattern-on-values": 'sh:property [ sh:path ex:p ; sh:pattern "^[a-z]+$" ; sh:flags "i" ]',
    "pattern-inside-or": 'sh:property [ sh:path ex:q ; sh:or ( [ sh:class ex:D ] [ sh:pattern "/b$" ] ) ]',
    "language-in": 'sh:property [ sh:path ex:p ; sh:languageIn ( "sv" "en" ) ]',
    "unique-lang": "sh:property [ sh:path ex:p ; sh:uniqueLang true ]",
    "in": "sh:property [ sh:path ex:q ; sh:in ( ex:a ex:b ) ]",
    "has-value": 'sh:property [ sh:path ex:p ; sh:hasValue "a" ]',
    "equals": "sh:property [ sh:path ex:p ; sh:equals ex:r ]",
    "less-than-or-equals": "sh:property [ sh:path ex:s ; sh:lessThanOrEquals ex:r ]",
    "min-inclusive": "sh:property [ sh:path ex:p ; sh:minInclusive 1 ]",
    "or-datatype-language": (
        'sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:string ] [ sh:languageIn ( "sv" ) ] ) ]'
    ),
    "xone-of-counts": """sh:xone (
        [ sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ]
        [ sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 2 ;
                        sh:languageIn ( "sv" "en" ) ; sh:uniqueLang true ] ] )""",
    "not": "sh:not [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ]",
    "qualified-min-count": """sh:property [ sh:path [ sh:alternativePath ( ex:p ex:r ) ] ;
        sh:qualifiedValueShape [ sh:or ( [ sh:languageIn ( "sv" ) ] [ sh:datatype xsd:string ] ) ] ;
        sh:qualifiedMinCount 1 ]""",
    "inverse-path": "sh:property [ sh:path [ sh:inversePath ex:q ] ; sh:minCount 1 ; sh:maxCount 1 ]",
    "closed": "sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path ex:p ] , [ sh:path ex:q ]",
    "sparql-this-first": """sh:sparql [ sh:prefixes ex:prefixes ;
        sh:select "SELECT $this ?value WHERE { $this ex:q ?value . FILTER NOT EXISTS { ?value ex:q $this } }" ]""",
}
TARGETS = {
    "class": "sh:targetClass ex:C",
    "subjects-of": "sh:targetSubjectsOf ex:p",
    "objects-of": "sh:targetObjectsOf ex:q",
    "node": "sh:targetNode ex:a , ex:e",
    "sparql": """sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:prefixes ;
        sh:select "SELECT ?this WHERE { ?this ex:r ?any }" ]""",
}
SEEDS = range(25)
#: The fast loop tries the first eight random graphs; make test-all all of them.
SEED_BATCHES = [range(8), pytest.param(range(8, 25), marks=pytest.mark.slow, id="more-seeds")]


def shapes_for(body: str, target: str = TARGETS["class"]) -> Graph:
    return Graph().parse(data=f"{PREFIXES}\nex:S a sh:NodeShape ; {target} ; {body} .", format="turtle")


def random_graph(seed: int) -> Graph:
    """A few typed nodes with random values drawn from every kind of term the rules tell apart."""
    rng = random.Random(seed)
    blank = BNode(f"b{seed}")
    nodes = [EX.a, EX.b, EX.c, EX.e, blank]
    values = [
        *(Literal(text) for text in ("a", "b", "A1")),
        *(Literal(text, lang=lang) for text, lang in [("a", "sv"), ("b", "sv"), ("c", "sv"), ("a", "en")]),
        *(Literal(text, lang=lang) for text, lang in [("b", "en"), ("a", "sv-se"), ("a", "de")]),
        Literal(0), Literal(1), Literal(2), Literal("1.5", datatype=XSD.decimal),
        Literal("2017-12-05", datatype=XSD.date), Literal("2017-12-06", datatype=XSD.date),
        EX.a, EX.b, EX.d, blank,
    ]  # fmt: skip
    graph = Graph()
    graph.add((EX.D, RDFS.subClassOf, EX.C))
    for node in nodes:
        if rng.random() < 0.8:
            graph.add((node, RDF.type, rng.choice([EX.C, EX.C, EX.D])))
        for predicate in (EX.p, EX.q, EX.r, EX.s):
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                if predicate == EX.q:
                    value = rng.choice([*nodes, EX.d, Literal("x")])
                else:  # pyshacl refuses to compare a blank node (sh:lessThanOrEquals on ex:s and ex:r)
                    value = rng.choice(values if predicate == EX.p else values[:-1])
                graph.add((node, predicate, value))
    return graph


def violators(graph: Graph, shapes: Graph) -> set:
    _, report, _ = pyshacl_validate(graph, shacl_graph=shapes, advanced=True, allow_warnings=True)
    return set(report.objects(None, SH.focusNode))


@pytest.mark.parametrize("seeds", SEED_BATCHES)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_keeps_every_violating_node(rule, seeds):
    shapes = shapes_for(RULES[rule])
    violations_seen = 0
    for seed in seeds:
        graph = random_graph(seed)
        narrowing = narrowed_shapes(QueryGraph(graph), shapes)
        candidates = narrowing.candidates[EX.S]
        assert candidates is not None, f"{rule} was not narrowed"
        expected = violators(graph, shapes)
        violations_seen += len(expected)
        assert expected <= candidates, f"seed {seed}: missed {expected - candidates}"
        assert validate(graph, shapes).findings == validate(graph, shapes, narrow=False).findings
    assert violations_seen, f"the random graphs never violate {rule}: the test proves nothing"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_candidates_are_focus_nodes_of_the_original_targets(target):
    """A candidate outside the shape's targets would be validated where pyshacl never looked."""
    shapes = shapes_for("sh:property [ sh:path ex:p ; sh:minCount 2 ]", TARGETS[target])
    for seed in SEEDS:
        graph = random_graph(seed)
        everything = shapes_for("sh:property [ sh:path ex:nothing ; sh:minCount 1 ]", TARGETS[target])
        focus = violators(graph, everything)  # every focus node violates this one
        candidates = narrowed_shapes(QueryGraph(graph), shapes).candidates[EX.S]
        assert candidates <= focus
        assert violators(graph, shapes) <= candidates


UNKNOWN = {
    "qualified-max-count": (
        "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMaxCount 1 ]"
    ),
    "sparql-not-this-first": """sh:sparql [ sh:prefixes ex:prefixes ;
        sh:select "SELECT $this WHERE { ?x ex:q $this }" ]""",
    "not-of-a-pattern": 'sh:not [ sh:pattern "a" ]',
    "xone-of-a-pattern": 'sh:xone ( [ sh:pattern "a" ] [ sh:datatype xsd:string ] )',
    "unknown-parameter": "sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:someFutureParameter 1 ]",
    "large-count": "sh:property [ sh:path ex:p ; sh:minCount 7 ]",
}


@pytest.mark.parametrize("rule", sorted(UNKNOWN))
def test_a_shape_that_cannot_be_translated_keeps_its_targets(rule):
    shapes = shapes_for(UNKNOWN[rule])
    narrowing = narrowed_shapes(QueryGraph(random_graph(1)), shapes)
    assert narrowing.candidates[EX.S] is None
    assert set(narrowing.shapes.objects(EX.S, SH.targetClass)) == {EX.C}
    assert (EX.S, SH.targetNode, None) not in narrowing.shapes


@pytest.mark.parametrize(
    "literal",
    [
        Literal("2017-13-45", datatype=XSD.date),  # ill-typed
        Literal("zz", datatype=XSD.string),  # one term with "zz" in Oxigraph
        Literal("zz", lang="SV"),  # Oxigraph lower-cases the tag (rdflib compares tags without case)
    ],
    ids=["ill-typed", "explicit-xsd-string", "capital-language-tag"],
)
def test_no_shape_is_narrowed_when_a_literal_means_something_else_to_oxigraph(literal):
    graph = random_graph(3)
    graph.add((EX.a, EX.p, literal))
    shapes = shapes_for(RULES["datatype-string"])
    narrowing = narrowed_shapes(QueryGraph(graph), shapes)
    assert narrowing.candidates == {EX.S: None}
    assert validate(graph, shapes).findings == validate(graph, shapes, narrow=False).findings


def test_a_narrowed_shape_without_candidates_has_no_targets_and_finds_nothing():
    graph = Graph()
    graph.add((EX.a, RDF.type, EX.C))
    graph.add((EX.a, EX.p, Literal("x")))
    shapes = shapes_for(RULES["min-count-1"])
    narrowing = narrowed_shapes(QueryGraph(graph), shapes)
    assert narrowing.candidates[EX.S] == set()
    assert not any((EX.S, predicate, None) in narrowing.shapes for predicate in (SH.targetClass, SH.targetNode))
    assert validate(graph, shapes).conforms
