"""The vocabulary page: every class and property the data uses, with labels, counts and a query.

A researcher learns the data's terms here instead of from the example queries. Each entry's
anchor is the name of its VoID partition (``#class-schema-Person``), so the VoID page links here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template
from rdflib import Graph, URIRef

from ..formats import HTML, JSON
from ..metadata.void import partition_fragment
from ..sparql.store import Store
from .i18n import reader_language
from .rdf_view import node_view, term_label
from .responses import representation
from .site import Site, current_site

blueprint = Blueprint("vocabulary", __name__)


@dataclass(frozen=True)
class Term:
    """One class or property as the page lists it."""

    kind: str  # "class" or "property"
    iri: URIRef
    anchor: str
    count: int  # instances of a class; triples of a property
    example: URIRef | None  # an instance of the class, a subject using the property


def _declared(site: Site, iri: str) -> str:
    """``schema:name`` where a predeclared prefix covers ``iri``, else ``<iri>``: a query runs as written."""
    for prefix, namespace in site.store.prefixes:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and local.replace("_", "a").replace("-", "a").isalnum():
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _terms(site: Site) -> tuple[Term, ...]:
    """Classes by instances, properties by triples, each with a first example (once per release)."""
    return site.store.remember("vocabulary-terms", lambda: _count_terms(site.store))


def _count_terms(store: Store) -> tuple[Term, ...]:
    """The terms of the knowledge graph, counted by the engine (the web process holds no whole graph);
    classes first, then properties, each most used first and then by IRI."""
    rows = store.page_rows("vocabulary")
    terms = [_term(row, store.namespaces) for row in rows]
    return tuple(sorted(terms, key=lambda t: (t.kind != "class", -t.count, str(t.iri))))


def _term(row: dict[str, dict[str, str]], prefixed: Graph) -> Term:
    """One answer row of ``pages/vocabulary.rq``, ``prefixed`` naming it as the build names VoID's partitions."""
    kind, iri = row["kind"]["value"], row["term"]["value"]
    anchor = partition_fragment(kind, iri, prefixed)
    return Term(kind, URIRef(iri), anchor, int(row["count"]["value"]), URIRef(row["example"]["value"]))


def _labels(site: Site) -> Graph:
    """The labels of the terms and their examples: all the page names (fetched once per release)."""
    terms = _terms(site)
    named = [t.iri for t in terms] + [t.example for t in terms if t.example is not None]
    return site.store.remember("vocabulary-labels", lambda: site.store.labels(named))


def _query_for(site: Site, term: Term) -> str:
    name = _declared(site, str(term.iri))
    if term.kind == "class":
        return (
            f"SELECT ?thing ?label WHERE {{\n  ?thing a {name} .\n"
            "  OPTIONAL { ?thing rdfs:label ?label }\n} LIMIT 100"
        )
    return f"SELECT ?subject ?value WHERE {{\n  ?subject {name} ?value .\n}} LIMIT 100"


@blueprint.route("/vocabulary")
def vocabulary() -> Response:
    site = current_site()
    lang = reader_language()
    labels = _labels(site)
    rows = []
    for term in _terms(site):
        query = _query_for(site, term)
        rows.append(
            {
                "term": term,
                "name": _declared(site, str(term.iri)).strip("<>"),
                "view": node_view(term.iri, lang, labels),
                "label": term_label(term.iri, lang, labels),
                "example": node_view(term.example, lang, labels) if term.example is not None else None,
                "query": query,
                "query_url": "/sparql?" + urlencode({"query": query, "format": "html"}),
            }
        )
    body = render_template(
        "vocabulary.html",
        lang=lang,
        classes=[r for r in rows if r["term"].kind == "class"],
        properties=[r for r in rows if r["term"].kind == "property"],
    )
    return representation(body, HTML, variant=f"vocabulary-{lang}-", vary="Accept-Language")


@blueprint.route("/vocabulary.json")
def vocabulary_json() -> Response:
    """The query editor's completions: the predeclared prefixes and every class and property of the
    data (most used first), with its label in the reader's language. Fetched once by the editor."""
    site = current_site()
    lang = reader_language()
    labels = _labels(site)
    document = {
        "prefixes": [[prefix, namespace] for prefix, namespace in site.store.prefixes],
        "terms": [
            {"iri": str(t.iri), "kind": t.kind, "count": t.count, "label": term_label(t.iri, lang, labels) or ""}
            for t in _terms(site)
        ],
    }
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = representation(body, JSON.content_type, variant=f"vocabulary-{lang}-", vary="Accept-Language")
    response.headers["Content-Language"] = lang
    return response
