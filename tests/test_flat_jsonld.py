"""The fast JSON-LD writer makes the document rdflib's converter makes, in the same stable order.

The dumps, the resource documents and the JSON-LD of every resource page go through it, so its
output is compared with rdflib's (put in order by ``release._stable_json``) on the real release and
on graphs with every kind of literal and IRI rdflib treats in its own way.
"""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from digigov_lod.flat_jsonld import _sort_key, _sorted_nodes, flat_document
from digigov_lod.formats import JSONLD
from digigov_lod.namespaces import bind_prefixes
from digigov_lod.pretty_json import indented_json
from digigov_lod.release import Release, _stable_json, serialize

SCHEMA = Namespace("https://schema.org/")
ID = Namespace("https://w3id.org/digigov-lod/id/")
ELSEWHERE = Namespace("https://example.org/not-a-prefix/")


def _prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _rdflib_text(graph: Graph) -> str:
    text = graph.serialize(format="json-ld", context=_prefixes(graph), encoding="utf-8")
    return json.dumps(_stable_json(json.loads(text)), ensure_ascii=False, indent=2)


def _fast_text(graph: Graph) -> str:
    document = flat_document(graph, _prefixes(graph))
    assert document is not None, "the fast writer gave the graph to rdflib"
    return json.dumps(document, ensure_ascii=False, indent=2)


def _graph(*triples: tuple) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return graph


def test_the_real_knowledge_graph_is_written_as_rdflib_writes_it(release: Release) -> None:
    graph = release.load_graph()
    assert _fast_text(graph) == _rdflib_text(graph)


def test_the_catalog_and_void_are_written_as_rdflib_writes_them(release: Release) -> None:
    for name in ("catalog.nt", "void.nt"):
        graph = bind_prefixes(Graph().parse(release.path / name, format="nt"))
        if flat_document(graph, _prefixes(graph)) is not None:
            assert _fast_text(graph) == _rdflib_text(graph), name


LENA = ID["person/lena-micko"]
EVERY_KIND_OF_VALUE = (
    (LENA, RDF.type, SCHEMA.Person),
    (LENA, RDF.type, ELSEWHERE.Minister),  # a type outside every prefix stays a whole IRI
    (LENA, SCHEMA.name, Literal("Lena Micko")),
    (LENA, SCHEMA.name, Literal("Lena Micko", lang="sv")),
    (LENA, SCHEMA.description, Literal("Civil Minister", lang="en-GB")),
    (LENA, SCHEMA.birthDate, Literal("1955-04-26", datatype=XSD.date)),
    (LENA, SCHEMA.position, Literal(3)),
    (LENA, SCHEMA.height, Literal(1.7, datatype=XSD.double)),
    (LENA, SCHEMA.isAccessibleForFree, Literal(True)),
    (LENA, SCHEMA.alternateName, Literal("Micko", datatype=XSD.string)),
    (LENA, SCHEMA.identifier, Literal("not a number", datatype=XSD.integer)),  # ill-typed
    (LENA, SCHEMA.sku, Literal("x", datatype=ELSEWHERE.code)),
    (LENA, SCHEMA.worksFor, ID["organization/regeringen"]),
    (LENA, SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q5964371")),
    (LENA, ELSEWHERE.note, Literal("a predicate outside every prefix")),
    (ID["organization/regeringen"], SCHEMA.name, Literal("Regeringen", lang="sv")),
)


def test_every_kind_of_literal_and_iri_is_written_as_rdflib_writes_it() -> None:
    graph = _graph(*EVERY_KIND_OF_VALUE)
    assert _fast_text(graph) == _rdflib_text(graph)


def test_a_graph_of_one_node_is_the_document_itself() -> None:
    graph = _graph((LENA, SCHEMA.name, Literal("Lena Micko")), (LENA, RDF.type, SCHEMA.Person))
    document = flat_document(graph, _prefixes(graph))
    assert document is not None and "@graph" not in document and document["@id"] == "person:lena-micko"
    assert _fast_text(graph) == _rdflib_text(graph)


def test_an_empty_graph_is_an_empty_graph_array() -> None:
    graph = _graph()
    assert json.loads(_fast_text(graph))["@graph"] == []
    assert _fast_text(graph) == _rdflib_text(graph)


def _with_list() -> Graph:
    graph = _graph((LENA, SCHEMA.name, Literal("Lena Micko")))
    head = BNode()
    Collection(graph, head, [Literal("a"), Literal("b")])
    graph.add((LENA, SCHEMA.keywords, head))
    return graph


@pytest.mark.parametrize(
    "graph",
    [
        _graph((BNode(), SCHEMA.name, Literal("a blank subject"))),
        _graph((LENA, SCHEMA.address, BNode())),
        _graph((LENA, SCHEMA.keywords, RDF.nil)),
        _with_list(),
    ],
    ids=["blank-subject", "blank-object", "empty-list", "list"],
)
def test_what_only_rdflib_handles_goes_to_rdflib(graph: Graph) -> None:
    assert flat_document(graph, _prefixes(graph)) is None
    assert serialize(graph, JSONLD).decode("utf-8") == _rdflib_text(graph) + "\n"


def test_a_predicate_that_is_a_term_of_the_context_goes_to_rdflib() -> None:
    graph = _graph((LENA, URIRef(str(SCHEMA)), Literal("the namespace itself as a predicate")))
    assert flat_document(graph, _prefixes(graph)) is None


def test_every_value_is_kept_where_rdflib_drops_a_falsy_first_one() -> None:
    graph = _graph(
        (LENA, SCHEMA.position, Literal(0)),
        (LENA, SCHEMA.position, Literal(2)),
        (LENA, SCHEMA.alternateName, Literal("")),
        (LENA, SCHEMA.alternateName, Literal("Micko")),
    )
    document = flat_document(graph, _prefixes(graph))
    assert document is not None
    assert document["schema:position"] == [0, 2]
    assert document["schema:alternateName"] == ["", "Micko"]


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [{}], "d": [[1, [2]], {"e": None}]},
        {"@graph": [{"@id": "x", "n": [1, 2.5, True, False, None, -0.0, 1e300, float("nan"), float("inf")]}]},
        {"s": ['quote " backslash \\ newline \n tab \t', "\u2028 \u00e5\u00e4\u00f6 \U0001f600 \x00 \x1f"]},
        "just a string",
        12,
    ],
)
def test_indented_json_is_what_the_json_module_writes(value: object) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_indented_json_writes_the_real_dump_as_the_json_module_does(release: Release) -> None:
    document = json.loads(release.dump_path(JSONLD).read_text(encoding="utf-8"))
    assert indented_json(document) == json.dumps(document, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "item",
    [
        "plain",
        'with "quotes" and \\ backslash',
        "Växjö – ✓ \U0001f600",
        "line\nbreak\tand \x01 control",
        {"@id": "https://w3id.org/digigov-lod/id/person/åsa"},
        {"@value": "Kommun", "@language": "sv"},
        {"@type": "xsd:date", "@value": "2017-12-05"},
        {"@value": 3, "@type": "xsd:integer"},
        {"@list": ["b", "a"]},
        7,
        True,
    ],
)
def test_sort_keys_are_the_json_text_with_sorted_keys(item: object) -> None:
    assert _sort_key(item) == json.dumps(item, sort_keys=True)


@pytest.mark.parametrize("extra_key", ["schema:name", "!first", "0-digit-first"])
def test_nodes_sorted_by_their_id_are_in_the_order_of_their_json_text(extra_key: str) -> None:
    ids = ["x", 'x"', "x\\", "xy", "x y", "Växjö", "v\u00e4xj\u00f6-2", "\U0001f600", "a\nb", ""]
    nodes = [dict(sorted({"@id": iri, extra_key: iri[::-1]}.items())) for iri in ids]
    assert _sorted_nodes(nodes) == sorted(nodes, key=lambda node: json.dumps(node, sort_keys=True))
