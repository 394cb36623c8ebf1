"""Snippets compacted with the pruned schema.org context are the bytes the whole context gives.

The whole context is the reference (PyLD as the snippets were made before). A sample of resources and
options in the fast loop; every resource with every variant, language and depth in make test-all.
"""

from __future__ import annotations

import itertools
import random

import pytest
from pyld import jsonld
from rdflib import Graph, URIRef

from digigov_lod.jsonld.embed import (
    Options,
    context_for,
    frame_graph,
    iter_resources,
    json_text,
    prepare,
    selected_triples,
    snippet,
)
from digigov_lod.jsonld.loader import SCHEMAORG_CONTEXT_URL, options, schemaorg_context
from digigov_lod.jsonld.pruned_context import document_iris, pruned_schemaorg_context
from digigov_lod.release import Release

OPTIONS = [Options(v, lang, depth) for v, lang, depth in itertools.product(("embed", "full"), ("sv", "en"), (0, 2, 5))]


@pytest.fixture(scope="module")
def whole(release: Release) -> Graph:
    return release.load_graph()


def _same_with_and_without_pruning(graph: Graph, release: Release, iri: str, opts: Options) -> None:
    """PyLD's snippet (not the embed variant's fast rules, which use no context) with both contexts."""
    prepared = prepare(selected_triples(graph, URIRef(iri), opts), opts)
    context = context_for(opts, release.base_iri)
    pruned = json_text(frame_graph(prepared, iri, context, fast=False))
    assert pruned == json_text(frame_graph(prepared, iri, context, prune=False, fast=False)), (iri, opts)
    assert pruned == json_text(snippet(graph, iri, opts, release.base_iri))  # the fast rules, where they apply


def test_a_sample_of_snippets_is_unchanged(whole: Graph, release: Release) -> None:
    resources = list(iter_resources(whole, release.base_iri))
    chosen = random.Random(7).sample(resources, 25) + [r for r in resources if str(r).endswith("/digigov-2017")]
    for iri in chosen:
        for opts in (Options("embed", "sv", 0), random.Random(str(iri)).choice(OPTIONS)):
            _same_with_and_without_pruning(whole, release, str(iri), opts)


@pytest.mark.slow
def test_every_snippet_is_unchanged(whole: Graph, release: Release) -> None:
    for iri in iter_resources(whole, release.base_iri):
        for opts in OPTIONS:
            _same_with_and_without_pruning(whole, release, str(iri), opts)


def test_the_pruned_context_keeps_the_terms_a_document_can_be_compacted_to() -> None:
    document = [
        {
            "@id": "https://w3id.org/digigov-lod/id/person/x",
            "@type": ["http://schema.org/Person"],
            "http://schema.org/worksFor": [{"@id": "https://w3id.org/digigov-lod/id/organization/y"}],
            "http://schema.org/startDate": [{"@value": "2017-12-05", "@type": "http://schema.org/Date"}],
        }
    ]
    iris = set(document_iris(document))
    assert {"http://schema.org/Person", "http://schema.org/worksFor", "http://schema.org/Date"} <= iris
    pruned, whole_context = pruned_schemaorg_context(iris), schemaorg_context()["@context"]
    assert {"Person", "worksFor", "startDate", "Date", "@vocab", "id", "type", "schema"} <= set(pruned)
    assert "Event" not in pruned and len(pruned) < len(whole_context) / 10
    assert all(pruned[term] == whole_context[term] for term in pruned)


def test_a_term_named_like_a_vocabulary_iri_but_meaning_another_is_kept() -> None:
    """``HTML`` means rdf:HTML in the schema.org context, so ``http://schema.org/HTML`` must not become
    ``HTML``: the pruned context keeps the term so that PyLD sees the clash, as with the whole context."""
    document = [{"@id": "http://example.org/x", "@type": ["http://schema.org/HTML"]}]
    pruned = pruned_schemaorg_context(document_iris(document))
    assert pruned["HTML"] == schemaorg_context()["@context"]["HTML"]
    with_pruned = jsonld.compact(document, {"@context": pruned}, options())
    with_whole = jsonld.compact(document, SCHEMAORG_CONTEXT_URL, options())
    assert with_pruned["type"] == with_whole["type"] != "HTML"
