"""The embed variant framed without PyLD is PyLD's snippet, byte for byte; what its rules do not reach goes to PyLD.

PyLD (``frame_graph(..., fast=False)``) is the reference: every snippet of the release, hand-made graphs for
each rule and each way out, and a few hundred random graphs mixing every kind of value.
"""

from __future__ import annotations

import itertools
import random

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from digigov_lod.jsonld.embed import (
    SCHEMAORG_CONTEXT_URL,
    Options,
    context_for,
    frame_graph,
    iter_resources,
    json_text,
    prepare,
    select,
)
from digigov_lod.jsonld.fast_frame import embed_document
from digigov_lod.release import Release

S = "http://schema.org/"
ID = "https://w3id.org/digigov-lod/id/"
ROOT = URIRef(ID + "event/root")


def _pyld_and_fast(prepared: Graph, root: str) -> tuple[str, str]:
    slow = json_text(frame_graph(prepared, root, SCHEMAORG_CONTEXT_URL, fast=False))
    return slow, json_text(frame_graph(prepared, root, SCHEMAORG_CONTEXT_URL))


def test_every_embed_snippet_of_the_release_is_pyld_s_and_none_falls_back(release: Release) -> None:
    graph = release.load_graph()
    resources = list(iter_resources(graph, release.base_iri))
    assert len(resources) > 100
    for iri, lang, depth in itertools.product(resources, ("sv", "en"), (0, 1, 5)):
        opts = Options("embed", lang, depth)
        prepared = prepare(select(graph, iri, opts), opts)
        assert embed_document(prepared, str(iri)) is not None, (iri, opts)  # the speed is not lost quietly
        slow = json_text(frame_graph(prepared, str(iri), context_for(opts, release.base_iri), fast=False))
        assert json_text(frame_graph(prepared, str(iri), context_for(opts, release.base_iri))) == slow, (iri, opts)


def _graph(*triples: tuple[URIRef | BNode, URIRef, object]) -> Graph:
    graph = Graph()
    for s, p, o in triples:
        graph.add((s, p, o if isinstance(o, URIRef | BNode | Literal) else Literal(o)))
    return graph


PERSON = URIRef(ID + "person/p")
ORGANIZATION = URIRef(ID + "organization/o")

#: name → (graph, whether the fast rules handle it)
CASES = {
    "nested nodes, one value and several": (
        _graph(
            (ROOT, RDF.type, URIRef(S + "Event")),
            (ROOT, URIRef(S + "name"), "Dag 1"),
            (ROOT, URIRef(S + "performer"), PERSON),
            (ROOT, URIRef(S + "performer"), URIRef(ID + "person/unknown")),
            (PERSON, RDF.type, URIRef(S + "Person")),
            (PERSON, RDF.type, URIRef(S + "Patient")),
            (PERSON, URIRef(S + "worksFor"), ORGANIZATION),
            (ORGANIZATION, URIRef(S + "name"), "Sambruk"),
        ),
        True,
    ),
    "a circle: an ancestor is only referred to": (
        _graph(
            (ROOT, URIRef(S + "subEvent"), URIRef(ID + "event/child")),
            (URIRef(ID + "event/child"), URIRef(S + "superEvent"), ROOT),
            (URIRef(ID + "event/child"), URIRef(S + "url"), ROOT),
        ),
        True,
    ),
    "a node that names itself is nested once, as PyLD does": (
        _graph((ROOT, URIRef(S + "location"), PERSON), (PERSON, URIRef(S + "url"), PERSON)),
        True,
    ),
    "IRI-coerced terms: a reference becomes a string, a node stays a node": (
        _graph(
            (ROOT, URIRef(S + "url"), URIRef("http://digigov.se/")),
            (ROOT, URIRef(S + "sameAs"), URIRef("http://www.wikidata.org/entity/Q1")),
            (ROOT, URIRef(S + "image"), PERSON),
            (PERSON, URIRef(S + "name"), "bild"),
        ),
        True,
    ),
    "dates, native numbers and booleans, other XML Schema types": (
        _graph(
            (ROOT, URIRef(S + "startDate"), Literal("2017-12-05T09:00:00+01:00", datatype=URIRef(S + "Date"))),
            (ROOT, URIRef(S + "position"), Literal("3", datatype=XSD.integer)),
            (ROOT, URIRef(S + "isAccessibleForFree"), Literal("true", datatype=XSD.boolean)),
            (ROOT, URIRef(S + "isFamilyFriendly"), Literal("1", datatype=XSD.boolean)),
            (ROOT, URIRef(S + "temporalCoverage"), Literal("2017-12-05", datatype=XSD.date)),
            (ROOT, URIRef(S + "version"), Literal("1.50", datatype=XSD.decimal)),
            (ROOT, URIRef(S + "numberOfPages"), Literal("007", datatype=XSD.integer)),
            (ROOT, URIRef(S + "copyrightYear"), Literal("MMXVII", datatype=XSD.integer)),
        ),
        True,
    ),
    "a blank node": (_graph((ROOT, URIRef(S + "location"), BNode("b")), (BNode("b"), URIRef(S + "name"), "x")), False),
    "a language tag": (_graph((ROOT, URIRef(S + "name"), Literal("Dag 1", lang="sv"))), False),
    "a literal where the term expects an IRI": (_graph((ROOT, URIRef(S + "url"), "http://digigov.se/")), False),
    "a date-coerced term with a plain string": (_graph((ROOT, URIRef(S + "startDate"), "5 december")), False),
    "a double": (_graph((ROOT, URIRef(S + "position"), Literal("2.5E0", datatype=XSD.double))), False),
    "a datatype of another vocabulary": (
        _graph((ROOT, URIRef(S + "text"), Literal("<b>x</b>", datatype=RDF.HTML))),
        False,
    ),
    "an IRI under a namespace of the context": (
        _graph((ROOT, URIRef(S + "eventStatus"), URIRef(S + "EventScheduled"))),
        False,
    ),
    "a property outside schema.org": (_graph((ROOT, URIRef("http://example.org/p"), "x")), False),
    "a class with a renamed term": (_graph((ROOT, RDF.type, URIRef(S + "HTML"))), False),
    "a root without statements": (_graph((PERSON, URIRef(S + "name"), "x")), False),
}


@pytest.mark.parametrize("name", CASES)
def test_each_rule_and_each_way_out_gives_pyld_s_snippet(name: str) -> None:
    graph, handled = CASES[name]
    assert (embed_document(graph, str(ROOT)) is not None) is handled
    slow, fast = _pyld_and_fast(graph, str(ROOT))
    assert fast == slow


def _random_value(rng: random.Random, nodes: list[URIRef]) -> object:
    return rng.choice(
        [
            Literal(rng.choice(["x", "", "Dag 1", "ä < & >"])),
            Literal("Dag 1", lang=rng.choice(["sv", "en"])),
            Literal(rng.choice(["3", "-0", "+12", "03", "x"]), datatype=XSD.integer),
            Literal(rng.choice(["true", "false", "1"]), datatype=XSD.boolean),
            Literal("2017-12-05", datatype=rng.choice([XSD.date, URIRef(S + "Date"), XSD.gYear])),
            Literal("1.5", datatype=rng.choice([XSD.decimal, XSD.double, XSD.string])),
            rng.choice(nodes),
            URIRef(rng.choice(["http://digigov.se/", "http://www.wikidata.org/entity/Q1", S + "Thing"])),
        ]
    )


def _random_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    nodes = [ROOT, PERSON, ORGANIZATION, URIRef(ID + "place/kista")]
    properties = ["name", "url", "sameAs", "startDate", "position", "about", "performer", "image", "location"]
    classes = ["Event", "Person", "Organization", "Place", "BusinessEvent"]
    graph = Graph()
    for _ in range(rng.randint(1, 12)):
        subject = rng.choice(nodes)
        if rng.random() < 0.2:
            graph.add((subject, RDF.type, URIRef(S + rng.choice(classes))))
        else:
            value = _random_value(rng, nodes)
            graph.add((subject, URIRef(S + rng.choice(properties)), value))  # type: ignore[arg-type]
    if (ROOT, None, None) not in graph:
        graph.add((ROOT, URIRef(S + "name"), Literal("root")))
    return graph


SEEDS = range(300)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_graphs_give_pyld_s_snippet(seed: int) -> None:
    slow, fast = _pyld_and_fast(_random_graph(seed), str(ROOT))
    assert fast == slow


def test_the_random_graphs_take_both_routes() -> None:
    """Else the comparison above would test only one of them."""
    handled = sum(embed_document(_random_graph(seed), str(ROOT)) is not None for seed in SEEDS)
    assert len(SEEDS) / 4 < handled < len(SEEDS) * 3 / 4
