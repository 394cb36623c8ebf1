"""The Store: the one interface the site reads a release through (queries, page helpers, files, sizes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from digigov_lod.config import Settings
from digigov_lod.describe import describe
from digigov_lod.release import Release
from digigov_lod.sparql.dataset import NAMED_GRAPHS
from digigov_lod.sparql.store import PageQueryError, Store, bind, fill_values, page_query

CONFERENCE = "id/event/digigov-2017"


@pytest.fixture(scope="module")
def store(release: Release, project_settings: Settings) -> Iterator[Store]:
    opened = Store(release, project_settings, pool_size=1)
    yield opened
    opened.close()


def _lines(release: Release, source_file: str) -> int:
    return sum(1 for line in (release.path / source_file).read_bytes().splitlines() if line.strip())


def test_sizes_are_counted_by_the_engine_once_per_release(store: Store, release: Release) -> None:
    sizes = store.sizes()
    expected = {f"{release.base_iri}graph/{g.name}": _lines(release, g.source_file) for g in NAMED_GRAPHS}
    assert sizes.named == expected
    assert max(expected.values()) < sizes.union <= sum(expected.values())
    store.select = lambda query: pytest.fail("counted again")  # type: ignore[method-assign]
    try:
        assert store.sizes() == sizes
    finally:
        del store.select


def test_a_description_is_the_same_as_from_the_whole_graph(store: Store, release: Release) -> None:
    whole = release.load_graph()
    for path in (CONFERENCE, "id/person/lena-micko", "id/organization/sambruk", "def/performerRole"):
        iri = release.base_iri + path
        from_store = store.describe(iri)
        assert len(from_store) > 0, path
        assert set(from_store) == set(describe(whole, URIRef(iri), release.base_iri)), path


def test_the_neighbourhood_labels_and_types_the_things_around_a_resource(store: Store, release: Release) -> None:
    iri = URIRef(release.base_iri + CONFERENCE)
    around = store.neighbourhood(str(iri))
    whole = release.load_graph()
    for _, _, value in whole.triples((iri, None, None)):
        if isinstance(value, URIRef) and (value, None, None) in whole:
            assert set(around.objects(value, RDF.type)) == set(whole.objects(value, RDF.type)), value
    assert store.neighbourhood(str(iri)) is around  # kept for the release


def test_an_unknown_resource_has_an_empty_description(store: Store, release: Release) -> None:
    assert not store.knows(release.base_iri + "id/person/nobody-at-all")


def test_labels_come_from_the_knowledge_graph(store: Store, release: Release) -> None:
    person = URIRef(release.base_iri + "id/person/lena-micko")
    labels = store.labels([person, URIRef("https://example.org/not-here")])
    assert {str(o) for o in labels.objects(person, None)} >= {"Lena Micko"}
    assert set(labels.subjects()) == {person}


def test_select_and_ask_go_through_the_engine(store: Store) -> None:
    rows = store.select("SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 1")
    assert rows[0]["name"]["value"] == "Agneta Karlsson"
    assert store.ask("ASK { ?p a schema:Person }") is True


def test_release_files_are_read_through_the_store(store: Store, release: Release) -> None:
    names = {f.name for f in store.files()}
    assert "catalog.ttl" in names and "digigov-2017.nt" in names
    with store.open("robots.txt") as handle:
        assert handle.read() == (release.path / "robots.txt").read_bytes()
    assert store.read("no-such-file.txt") is None
    assert store.parsed("catalog.ttl") is store.parsed("catalog.ttl")


def test_an_iri_that_would_break_out_of_a_page_query_is_refused() -> None:
    with pytest.raises(PageQueryError):
        bind(page_query("neighbourhood"), this="https://example.org/> } ; DROP ALL #", kg="https://example.org/g")
    filled = fill_values("SELECT * WHERE { VALUES ?x {} }", "x", ["https://a.example/", "https://b.example/"])
    assert "VALUES ?x { <https://a.example/> <https://b.example/> }" in filled
