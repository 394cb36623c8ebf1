"""The DCAT catalog: conforms to DCAT-AP 2.1.1, 3.0.1 and DCAT-AP-SE, agrees with the release files,
and a broken catalog stops the build without touching the published release."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from digigov_lod.build import BuildFailed, build
from digigov_lod.config import Settings
from digigov_lod.metadata import MetadataInvalid, ReleaseContext, build_catalog, dcat
from digigov_lod.metadata.dcat_validation import KNOWN_DEFECTS, PROFILES, report, validate_catalog
from digigov_lod.metadata.vocabularies import CC0, is_controlled
from digigov_lod.namespaces import SPDX
from digigov_lod.release import Release, ReleaseWriter

CATALOG_FILES = {"catalog.rdf": "xml", "catalog.ttl": "turtle", "catalog.jsonld": "json-ld", "catalog.nt": "nt"}


@pytest.fixture(scope="module")
def catalog(release: Release) -> Graph:
    """The catalog as Sveriges dataportal reads it: RDF/XML."""
    return Graph().parse(release.path / "catalog.rdf", format="xml")


def test_catalog_conforms_to_every_profile_with_zero_violations(catalog: Graph) -> None:
    started = time.perf_counter()
    results = validate_catalog(catalog)
    elapsed = time.perf_counter() - started
    assert [r.profile for r in results] == list(PROFILES)
    for result in results:
        assert result.conforms, report(results, catalog)
        assert result.outcome.violations == [], report([result], catalog)
    assert elapsed < 20, f"catalog validation took {elapsed:.1f} s"


def test_only_the_known_defects_of_the_official_shapes_are_waived(catalog: Graph) -> None:
    waived = {(r.profile, d.reason) for r in validate_catalog(catalog) for _, d in r.waived}
    assert waived <= {(d.profile, d.reason) for d in KNOWN_DEFECTS}
    for _, finding in [(r, f) for r in validate_catalog(catalog) for f, _ in r.waived]:
        assert finding.path in (str(DCAT.byteSize), str(SPDX.algorithm))


def test_every_catalog_serialisation_is_the_same_graph(release: Release, catalog: Graph) -> None:
    for name, fmt in CATALOG_FILES.items():
        assert isomorphic(Graph().parse(release.path / name, format=fmt), catalog), name
        assert release.file(name) is not None and release.file(name).role == "catalog"
    # a second, independent RDF/XML parser reads the same number of triples
    quads = list(ox.parse(path=str(release.path / "catalog.rdf"), format=ox.RdfFormat.RDF_XML))
    assert len(quads) == len(catalog)


def test_release_carries_the_catalog_validation_report(release: Release) -> None:
    text = (release.path / "catalog-validation-report.txt").read_text(encoding="utf-8")
    for profile in PROFILES:
        assert f"== {profile}: conforms" in text
    assert "waived as known defects" in text


def test_distribution_size_and_checksum_match_the_release_files(release: Release, catalog: Graph) -> None:
    base = release.base_iri
    downloads = list(catalog.subject_objects(DCAT.downloadURL))
    assert len(downloads) == len(release.files("dump")) + len(release.files("dump-gzip")) == 8
    for dist, url in downloads:
        name = str(url).removeprefix(base + "download/")
        data = (release.path / name).read_bytes()
        assert int(catalog.value(dist, DCAT.byteSize)) == len(data), name
        checksum = catalog.value(dist, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name


def test_catalog_follows_the_harvesting_rules(release: Release, catalog: Graph) -> None:
    base = release.base_iri
    nodes = {t for triple in catalog for t in triple}
    assert not any(isinstance(n, BNode) for n in nodes), "no blank nodes"
    for iri in (n for n in nodes if isinstance(n, URIRef)):
        assert urlsplit(str(iri)).scheme in ("http", "https", "mailto", "tel"), iri
    (cat,) = catalog.subjects(RDF.type, DCAT.Catalog)
    assert cat == URIRef(base + "catalog#catalog")
    assert catalog.value(cat, DCTERMS.license) == CC0
    publisher = catalog.value(cat, DCTERMS.publisher)
    assert publisher == URIRef(base + "id/organization/sambruk")
    assert str(catalog.value(publisher, DCTERMS.type)).startswith("http://purl.org/adms/publishertype/")
    (dataset,) = catalog.subjects(RDF.type, DCAT.Dataset)
    for predicate in (DCTERMS.title, DCTERMS.description):
        for subject in catalog.subjects(RDF.type, None):
            values = list(catalog.objects(subject, predicate))
            assert all(isinstance(v, Literal) and v.language for v in values), (subject, predicate)
    assert {v.language for v in catalog.objects(dataset, DCTERMS.description)} == {"sv", "en"}
    # every controlled-vocabulary term is typed and labelled in the catalog itself
    for p, term in catalog.predicate_objects():
        if p != RDF.type and is_controlled(term):
            assert (term, RDF.type, None) in catalog, term
            labels = [*catalog.objects(term, SKOS.prefLabel), *catalog.objects(term, DCTERMS.title)]
            assert labels or str(term).startswith("https://www.iana.org/"), term
    # the API: a distribution that points at the SPARQL service
    service = catalog.value(None, DCAT.endpointURL, URIRef(base + "sparql"))
    assert service is not None and catalog.value(service, DCAT.endpointDescription) == URIRef(base + "sparql")
    assert (None, DCAT.accessService, service) in catalog
    assert (service, DCTERMS.conformsTo, URIRef("http://www.w3.org/TR/sparql11-protocol/")) in catalog


def _without(catalog: Graph, predicate: URIRef, which=lambda s: True) -> Graph:
    broken = Graph()
    broken += catalog
    for s, o in sorted(broken.subject_objects(predicate)):  # the same node in every run
        if which(s):
            broken.remove((s, predicate, o))
            return broken
    raise AssertionError(f"no {predicate} to remove")


@pytest.mark.parametrize("extension", ["ttl", "nq"])  # a file with a downloadURL, and the dump without one
def test_a_distribution_without_media_type_does_not_conform(catalog: Graph, extension: str) -> None:
    broken = _without(catalog, DCAT.mediaType, lambda s: str(s).endswith(f"-{extension}"))
    assert not all(r.conforms for r in validate_catalog(broken))


def test_free_text_without_language_does_not_conform(catalog: Graph) -> None:
    (dataset,) = catalog.subjects(RDF.type, DCAT.Dataset)
    broken = _without(catalog, DCTERMS.description, lambda s: s == dataset)
    broken.add((dataset, DCTERMS.description, Literal("A description without a language tag")))
    results = validate_catalog(broken)
    failing = {r.profile for r in results if not r.conforms}
    assert "DCAT-AP-SE 3.0.1 (derived)" in failing and "digigov" in failing


def _drop_media_type(original):
    def broken(g, src, dump):
        original(g, src, dump)
        g.remove((src.distribution(dump), DCAT.mediaType, None))

    return broken


def test_derive_raises_metadata_invalid_for_a_broken_catalog(
    release: Release, project_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dcat, "_dump_distribution", _drop_media_type(dcat._dump_distribution))
    context = ReleaseContext(release.version, release.manifest["created"], project_settings)
    with pytest.raises(MetadataInvalid, match="mediaType"):
        build_catalog(release.load_graph(), release.files(), context)


def test_a_broken_catalog_fails_the_build_and_leaves_dist_untouched(
    tmp_path: Path, project_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "dist"
    build(project_settings.with_overrides(release_dir=target))
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    monkeypatch.setattr(dcat, "_dump_distribution", _drop_media_type(dcat._dump_distribution))
    with pytest.raises(BuildFailed, match="metadata is invalid"):
        build(project_settings.with_overrides(release_dir=target))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist-releases", "dist"], "no temporary folders left"
    releases = [p for p in (tmp_path / ".dist-releases").iterdir() if p.is_dir()]  # beside the builds' lock file
    assert len(releases) == 1, "no new release folder either"


def test_a_catalog_for_a_minimal_graph_still_conforms(tmp_path: Path) -> None:
    """Without the publisher's and contact's descriptions in the graph, the report's facts are used."""
    base = "http://localhost:8000/lod/"
    graph = Graph()
    graph.add((URIRef(base + "id/work/report"), RDF.type, URIRef("https://schema.org/Report")))
    writer = ReleaseWriter(tmp_path / "dist")
    writer.add_dumps(graph)
    try:
        catalog = dcat.catalog_graph(graph, writer.files, base, "v1", "2026-01-02T03:04:05Z")
    finally:
        writer.discard()
    results = validate_catalog(catalog)
    assert all(r.conforms for r in results), report(results, catalog)
    assert all(str(s).startswith(base) for s in catalog.subjects(RDF.type, DCAT.Distribution))
    contact = URIRef(base + "id/contact/sambruk-claes-olof-olsson")
    assert str(catalog.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#fn"))) == "Claes-Olof Olsson"
