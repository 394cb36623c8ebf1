"""What a resource's document contains, and how things are labelled for readers.

A document holds the resource's own statements (following blank nodes), the statements that
point at it, and nothing else: a symmetric concise bounded description.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from .namespaces import SCHEMA, bind_prefixes

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, DCTERMS.title, FOAF.name, SCHEMA.headline)


def _add_closure(source: Graph, target: Graph, node: BNode | URIRef, seen: set) -> None:
    for s, p, o in source.triples((node, None, None)):
        target.add((s, p, o))
        if isinstance(o, BNode) and o not in seen:
            seen.add(o)
            _add_closure(source, target, o, seen)


def describe(graph: Graph, iri: URIRef, base: str) -> Graph:
    """The resource's statements and the statements about it; empty if the graph does not know it."""
    description = bind_prefixes(Graph(), base)
    _add_closure(graph, description, iri, {iri})
    for s, p, _ in graph.triples((None, None, iri)):
        description.add((s, p, iri))
    return description


def label(graph: Graph, node: URIRef | BNode | Literal, lang: str) -> str | None:
    """The best label in ``lang``, else in another language, else None."""
    if isinstance(node, Literal):
        return str(node)
    fallback = None
    for prop in LABEL_PROPERTIES:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                if value.language == lang:
                    return str(value)
                if fallback is None or value.language in (None, "en"):
                    fallback = str(value)
    return fallback


def compact_iri(graph: Graph, iri: str) -> str:
    """``schema:name`` for a known namespace, the full IRI otherwise."""
    try:
        return graph.namespace_manager.normalizeUri(iri).strip("<>")
    except Exception:
        return iri
