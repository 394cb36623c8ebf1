"""The sorted N-Triples are rdflib's own lines, sorted, whatever the terms and however they are shared."""

from __future__ import annotations

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from digigov_lod.release import Release
from digigov_lod.sorted_ntriples import sorted_ntriples


def _rdflib_sorted(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(line for line in lines if line.strip()))


def test_the_release_graph_gives_rdflib_s_lines(release: Release) -> None:
    graph = release.load_graph()
    assert sorted_ntriples(graph) == _rdflib_sorted(graph)


def test_every_kind_of_term_and_awkward_text_gives_rdflib_s_lines() -> None:
    graph = Graph()
    s, p, blank = URIRef("http://example.org/s"), URIRef("http://example.org/p"), BNode("b1")
    shared = Literal("delad")
    for value in [
        Literal('citat "i" citat'),
        Literal("rad\nrad\r\nslut\\"),
        Literal("ä ö å – ✓ 𝔸 \u2028 \x0b"),
        Literal("sv", lang="sv"),
        Literal("en-GB", lang="en-GB"),
        Literal("5", datatype=XSD.integer),
        Literal("x", datatype=XSD.string),
        Literal("<b>x</b>", datatype=RDF.HTML),
        Literal(""),
        shared,
        blank,
        URIRef("http://example.org/ä?q=1#f"),
    ]:
        graph.add((s, p, value))
    graph.add((blank, p, shared))  # the same literal object twice
    graph.add((blank, RDF.type, URIRef("http://example.org/C")))
    assert sorted_ntriples(graph) == _rdflib_sorted(graph)


def test_equal_terms_that_are_different_objects_are_written_alike() -> None:
    graph = Graph()
    for n in range(50):  # new objects every time: nothing may be taken from a term that was freed
        graph.add((URIRef(f"http://example.org/s{n % 7}"), URIRef("http://example.org/p"), Literal(str(n % 5))))
    assert sorted_ntriples(graph) == _rdflib_sorted(graph)
    assert sorted_ntriples(Graph()) == b""
