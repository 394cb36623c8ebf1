"""VoID statistics equal what SPARQL counts over the graph; the sitemap lists every resource page;
the schema.org Dataset says what the DCAT catalog says."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from digigov_lod.iris import doc_path_for, is_dereferenceable_path, local_path
from digigov_lod.metadata.schema_dataset import dataset_jsonld
from digigov_lod.release import Release


@pytest.fixture(scope="module")
def graph(release: Release) -> Graph:
    return release.load_graph()


@pytest.fixture(scope="module")
def void(release: Release) -> Graph:
    return Graph().parse(release.path / "void.ttl", format="turtle")


def _one(graph: Graph, query: str) -> int:
    (row,) = graph.query(query)
    return int(row[0])


def test_void_counts_equal_sparql_counts(release: Release, graph: Graph, void: Graph) -> None:
    base = release.base_iri
    (dataset,) = void.subjects(RDF.type, VOID.Dataset)
    assert dataset == URIRef(base + "catalog#dataset")

    def stated(p: URIRef, subject: URIRef = dataset) -> int:
        return int(void.value(subject, p))

    assert stated(VOID.triples) == _one(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert stated(VOID.distinctSubjects) == _one(graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert stated(VOID.distinctObjects) == _one(graph, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert stated(VOID.entities) == _one(
        graph,
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}',
    )
    classes = {
        row[0]: int(row[1])
        for row in graph.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c")
    }
    stated_classes = {
        void.value(p, VOID["class"]): stated(VOID.entities, p) for p in void.objects(dataset, VOID.classPartition)
    }
    assert stated_classes == classes
    properties = {
        row[0]: int(row[1]) for row in graph.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    }
    stated_properties = {
        void.value(p, VOID.property): stated(VOID.triples, p) for p in void.objects(dataset, VOID.propertyPartition)
    }
    assert stated_properties == properties


def test_void_links_dumps_endpoint_vocabularies_and_examples(release: Release, void: Graph) -> None:
    base = release.base_iri
    (dataset,) = void.subjects(RDF.type, VOID.Dataset)
    dumps = {URIRef(base + "download/" + f.name) for f in release.files() if f.role in ("dump", "dump-gzip")}
    assert set(void.objects(dataset, VOID.dataDump)) == dumps
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(base + "sparql")
    assert void.value(dataset, VOID.uriSpace) == Literal(base + "id/")
    vocabularies = set(void.objects(dataset, VOID.vocabulary))
    assert {URIRef("https://schema.org/"), URIRef(base + "def/")} <= vocabularies
    examples = set(void.objects(dataset, VOID.exampleResource))
    assert {URIRef(base + "id/work/report"), URIRef(base + "id/event/digigov-2017")} <= examples
    assert any(str(e).startswith(base + "id/person/") for e in examples)


def test_sitemap_lists_every_resource_page_and_the_catalog(release: Release, graph: Graph) -> None:
    base = release.base_iri
    tree = ET.parse(release.path / "sitemap.xml")
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in tree.getroot().findall("sm:url/sm:loc", ns)}
    expected = set()
    for s in set(graph.subjects()):
        path = local_path(str(s), base) if isinstance(s, URIRef) else None
        if path is not None and (path.startswith("id/") or path.startswith("def/")):
            assert is_dereferenceable_path(path), f"{s} has no resource page"
            expected.add(base + doc_path_for(path))
    assert expected and expected <= locs
    assert {base, base + "catalog"} <= locs
    assert locs - expected == {base, base + "catalog"}
    robots = (release.path / "robots.txt").read_text()
    assert f"Sitemap: {base}sitemap.xml" in robots


def test_schema_org_dataset_agrees_with_the_catalog(release: Release) -> None:
    catalog = Graph().parse(release.path / "catalog.ttl", format="turtle")
    base = release.base_iri
    description = dataset_jsonld(catalog, base)
    json.dumps(description)  # serialisable as it is
    assert description["@context"] == "https://schema.org" and description["@type"] == "Dataset"
    (dataset,) = catalog.subjects(RDF.type, DCAT.Dataset)
    assert {(v["@language"], v["@value"]) for v in description["description"]} == {
        (o.language, str(o)) for o in catalog.objects(dataset, DCTERMS.description)
    }
    assert {v["@language"] for v in description["name"]} == {"sv", "en"}
    assert description["license"] == str(catalog.value(dataset, DCTERMS.license))
    assert description["temporalCoverage"] == "2017-12-05/2017-12-06"
    assert description["isAccessibleForFree"] is True
    assert description["url"] == base
    assert description["publisher"]["@id"] == base + "id/organization/sambruk"
    downloads = {str(o) for o in catalog.objects(None, DCAT.downloadURL)}
    assert {d["contentUrl"] for d in description["distribution"]} == downloads
    assert all(d["@type"] == "DataDownload" and d["encodingFormat"] for d in description["distribution"])
    assert "DigiGov" in description["keywords"]
