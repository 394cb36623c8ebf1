"""The N-Quads dump of the whole SPARQL dataset: what the embedded engine holds, offered like the other dumps."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS
from support import LiveServer

from digigov_lod.release import DATASET_DUMP, Release
from digigov_lod.sparql import dataset
from digigov_lod.sparql.dataset import dataset_nquads, graph_sources
from digigov_lod.sparql.embedded import load_store

IDENTITY = {"Accept-Encoding": "identity"}


def _quads(store: ox.Store) -> set[tuple[str, str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store}


def test_the_dump_loads_into_exactly_what_the_embedded_engine_answers(release: Release) -> None:
    """Named graphs and a default graph that is their merge (4 triples are in two graphs: counted once)."""
    embedded = load_store(graph_sources(release))
    loaded = ox.Store()
    loaded.bulk_load(path=str(release.require(DATASET_DUMP)), format=ox.RdfFormat.N_QUADS)
    default = ox.DefaultGraph()
    answered = {
        (str(q.subject), str(q.predicate), str(q.object), str(default))
        for q in embedded.store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=list(embedded.default_view))
    }
    answered |= {quad for quad in _quads(embedded.store) if quad[3] != str(default)}
    assert _quads(loaded) == answered
    merged = sum(1 for _ in loaded.quads_for_pattern(None, None, None, default))
    named = sum(1 for q in loaded if q.graph_name != default)
    assert merged < named  # the merge, not the sum
    assert {g.value for g in loaded.named_graphs()} == {source.name for source in graph_sources(release)}


def test_the_engine_holds_the_knowledge_graph_once(release: Release) -> None:
    """The default graph a query reads is the store's default graph and the knowledge graph, which share
    no triple; the store's default graph holds only the small graphs (catalog and VoID)."""
    embedded = load_store(graph_sources(release))
    stored_default, knowledge_graph = embedded.default_view
    assert knowledge_graph == ox.NamedNode(release.base_iri + "graph/knowledge-graph")
    held = list(embedded.store.quads_for_pattern(None, None, None, stored_default))
    assert held and len(held) < release.manifest["triples"] / 2
    assert not any(ox.Quad(q.subject, q.predicate, q.object, knowledge_graph) in embedded.store for q in held)


def test_the_dump_and_its_gzip_are_in_the_manifest(release: Release) -> None:
    plain, packed = release.file(DATASET_DUMP), release.file(DATASET_DUMP + ".gz")
    assert plain is not None and packed is not None
    assert (plain.role, packed.role, plain.media_type) == ("dataset-dump", "dataset-dump-gzip", "application/n-quads")
    assert gzip.decompress(release.require(packed.name).read_bytes()) == release.require(plain.name).read_bytes()


def test_blank_nodes_of_different_graphs_stay_different_nodes(tmp_path: Path) -> None:
    """In one N-Quads file a label is one node; the blank nodes of two source files are two."""
    (tmp_path / "digigov-2017.nt").write_text('_:b0 <http://ex/p> "kg" .\n')
    (tmp_path / "catalog.nt").write_text('_:b0 <http://ex/p> "catalog" .\n')
    store = ox.Store()
    store.load(dataset_nquads(tmp_path, "http://ex/"), format=ox.RdfFormat.N_QUADS)
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(subjects) == 2
    for graph in store.named_graphs():  # the same node in its named graph and in the merge
        (quad,) = store.quads_for_pattern(None, None, None, graph)
        assert ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()) in store


def test_the_catalog_offers_the_dump(release: Release) -> None:
    catalog = Graph().parse(release.path / "catalog.nt", format="nt")
    url = URIRef(f"{release.base_iri}download/{DATASET_DUMP}")
    (distribution,) = catalog.subjects(DCAT.accessURL, url)
    assert (None, DCAT.distribution, distribution) in catalog
    assert str(catalog.value(distribution, DCAT.mediaType)).endswith("application/n-quads")
    assert str(catalog.value(distribution, DCTERMS.format)).endswith("/RDF_N_QUADS")
    # it holds the catalog, which therefore cannot state its checksum: not offered as a download with one
    assert catalog.value(distribution, DCAT.downloadURL) is None


def test_the_downloads_page_offers_and_serves_the_dump(live_server: LiveServer, release: Release) -> None:
    listing = requests.get(live_server.url + "download/", params={"format": "json"}).json()
    listed = {item["name"]: item for item in listing}
    page = requests.get(live_server.url + "download/", headers={"Accept": "text/html"}).text
    for name in (DATASET_DUMP, DATASET_DUMP + ".gz"):
        assert f'href="/download/{name}"' in page
        response = requests.get(live_server.url + "download/" + name, headers=IDENTITY)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == listed[name]["sha256"] == release.file(name).sha256


def test_the_engine_answers_the_catalogs_byte_sizes_as_xsd_integer(release: Release) -> None:
    """What the README says of the endpoint: pyoxigraph stores derived integer types as xsd:integer, so the
    catalog's xsd:nonNegativeInteger sizes come back as xsd:integer (if an upgrade changes that, so must the
    README)."""
    assert "XMLSchema#nonNegativeInteger" in release.require("catalog.nt").read_text(encoding="utf-8")
    embedded = load_store(graph_sources(release))
    query = "SELECT DISTINCT (DATATYPE(?size) AS ?type) WHERE { ?d <http://www.w3.org/ns/dcat#byteSize> ?size }"
    answered = {row["type"].value for row in embedded.store.query(query, default_graph=list(embedded.default_view))}
    assert answered == {"http://www.w3.org/2001/XMLSchema#integer"}


def test_files_taken_as_they_are_give_the_bytes_oxigraph_s_rewriting_gives(
    release: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The knowledge graph's lines are used as they are when Oxigraph would write them alike (the fast way)."""
    assert not dataset._rewritten_by_oxigraph(release.require("digigov-2017.nt").read_bytes())
    fast = dataset_nquads(release.path, release.base_iri)
    monkeypatch.setattr(dataset, "_rewritten_by_oxigraph", lambda _text: True)
    assert dataset_nquads(release.path, release.base_iri) == fast


#: Objects Oxigraph writes as rdflib does, and objects it may write otherwise (or relabel)
AS_IS = ['"plain"', '"x"@sv', '"5"^^<http://www.w3.org/2001/XMLSchema#integer>', '"å \\" \\\\ \\n"', '"\u2028 𝔸"']
REWRITTEN = ['"tab\there"', '"del\x7f"', '"bell\x07"', '"x"^^<http://www.w3.org/2001/XMLSchema#string>']
REWRITTEN += ['"x"@en-GB', '"x"@EN', "_:b1", '"_:b1"']  # the last only looks like a blank node: the slower way


@pytest.mark.parametrize("term", AS_IS + REWRITTEN)
def test_a_line_is_taken_as_it_is_only_where_oxigraph_writes_it_alike(term: str) -> None:
    line = f"<http://example.org/s> <http://example.org/p> {term} .\n".encode()
    taken_as_it_is = not dataset._rewritten_by_oxigraph(line)
    assert taken_as_it_is is (term in AS_IS)
    if taken_as_it_is:
        assert ox.serialize(ox.parse(line, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES) == line
