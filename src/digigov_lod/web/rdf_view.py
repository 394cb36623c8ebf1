"""Turning RDF into rows a page can show: labels in the reader's language, links on this server.

Used by every page made from the data. Labels come from the graph a page was made from (a resource's
neighbourhood, a page query's answer, labels fetched for a results table); terms of other vocabularies
get their display labels from ``resources/labels/display-labels.ttl`` (through the store); everything
else falls back to a CURIE.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..describe import label
from .site import current_site

#: Properties shown first, in this order; the rest follow alphabetically by their label.
LEADING = [
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/alternateName",
    "https://schema.org/description",
    "http://purl.org/dc/terms/description",
    "https://schema.org/startDate",
    "https://schema.org/endDate",
]


def term_label(node: URIRef | BNode | Literal, lang: str, graph: Graph) -> str | None:
    """The label of ``node`` from ``graph`` (the part of the data the page read), else the display labels."""
    for source in (graph, current_site().store.display_labels()):
        found = label(source, node, lang)
        if found:
            return found
    return None


def node_view(node: Any, lang: str, graph: Graph) -> dict[str, Any]:
    """What a template needs to show one term: text, and for IRIs a link on this server (labelled from
    ``graph``, the part of the data the page read)."""
    if isinstance(node, Literal):
        return {"kind": "literal", "text": str(node), "lang": node.language, "datatype": node.datatype}
    if isinstance(node, BNode):
        return {"kind": "bnode", "text": "(unnamed node)"}
    if not str(node).startswith(("http://", "https://")):  # javascript:, data: … are shown, never linked
        return {"kind": "literal", "text": str(node), "lang": None}
    site = current_site()
    return {
        "kind": "iri",
        "href": site.local_url(str(node)),
        "text": term_label(node, lang, graph) or site.store.compact(str(node)),
        "iri": str(node),
    }


def literals_in_language(graph: Graph, subject: Any, prop: Any, lang: str) -> list[str]:
    """The values of ``prop`` in the reader's language or untagged; if there are none, the first of any."""
    values = [v for v in graph.objects(subject, prop) if isinstance(v, Literal)]
    chosen = [str(v) for v in values if v.language in (lang, None)]
    return chosen or [str(v) for v in values[:1]]


def _in_other_language(graph: Graph, subject: Any, prop: Any, value: Any, lang: str) -> bool:
    """True for a literal in the other language when the reader's language is also there."""
    if not (isinstance(value, Literal) and value.language and value.language != lang):
        return False
    return any(isinstance(o, Literal) and o.language == lang for o in graph.objects(subject, prop))


def property_rows(
    graph: Graph, subject: Any, lang: str, skip_types: bool = True, labels: Graph | None = None
) -> list[dict[str, Any]]:
    """One row per property of ``subject`` with its values, leading properties first, in the reader's language
    (``labels``: where the labels of the values and properties are, default ``graph``)."""
    labels = graph if labels is None else labels
    values: dict[Any, list[dict[str, Any]]] = {}
    for prop, value in graph.predicate_objects(subject):
        if (skip_types and prop == RDF.type) or _in_other_language(graph, subject, prop, value, lang):
            continue
        values.setdefault(prop, []).append(node_view(value, lang, labels))
    rows = [
        {"property": node_view(prop, lang, labels), "values": sorted(found, key=lambda v: v["text"].lower())}
        for prop, found in values.items()
    ]

    def order(row: dict[str, Any]) -> tuple:
        iri = row["property"].get("iri", "")
        return (LEADING.index(iri) if iri in LEADING else len(LEADING), row["property"]["text"].lower())

    return sorted(rows, key=order)


def result_cell(term: dict[str, str], lang: str, labels: Graph) -> dict[str, Any]:
    """A SPARQL JSON term as a table cell: IRIs by label (from ``labels``, or CURIE) with a link, literals as text."""
    if term["type"] == "uri":
        view = node_view(URIRef(term["value"]), lang, labels)
        return {**view, "text": view["text"]}
    return {"kind": term["type"], "text": term["value"], "lang": term.get("xml:lang")}


def types_of(graph: Graph, subject: Any, lang: str) -> list[dict[str, Any]]:
    return [node_view(t, lang, graph) for t in sorted(graph.objects(subject, RDF.type))]


def sections(graph: Graph, classes: list[URIRef], lang: str) -> list[dict[str, Any]]:
    """A section per subject of the given classes (in that order of classes), for document pages."""
    found = []
    for cls in classes:
        for subject in sorted(graph.subjects(RDF.type, cls), key=str):
            found.append(
                {
                    "iri": str(subject),
                    "title": term_label(subject, lang, graph) or current_site().store.compact(str(subject)),
                    "types": types_of(graph, subject, lang),
                    "rows": property_rows(graph, subject, lang),
                }
            )
    return found


def comment(graph: Graph, subject: Any, lang: str) -> str | None:
    """rdfs:comment in the reader's language (vocabulary terms explain themselves with it)."""
    fallback = None
    for value in graph.objects(subject, RDFS.comment):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
        fallback = fallback or str(value)
    return fallback
