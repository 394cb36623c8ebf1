"""Every person, organisation, event and place (and their subclasses) has @sv and @en labels."""

import pytest
from data_fixtures import SDO, data_graph
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS

FAMILIES = {
    "Person": [SDO.Person],
    "Organization": [
        SDO.Organization,
        SDO.GovernmentOrganization,
        SDO.Corporation,
        SDO.ResearchOrganization,
        SDO.CollegeOrUniversity,
    ],
    "Event": [SDO.Event, SDO.BusinessEvent, SDO.EventSeries],
    "Place": [SDO.Place, SDO.City, SDO.Country],
}
LABELS = (SDO.name, RDFS.label, SKOS.prefLabel)


def members(classes):
    graph = data_graph()
    found = set()
    for cls in classes:
        found.update(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))
    # subclasses declared in the graph (e.g. dgv:Session rdfs:subClassOf schema:Event)
    for cls in list(classes):
        for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
            found.update(s for s in graph.subjects(RDF.type, sub) if isinstance(s, URIRef))
    return found


def languages(node):
    graph = data_graph()
    return {lit.language for p in LABELS for lit in graph.objects(node, p) if getattr(lit, "language", None)}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_has_bilingual_labels(family):
    nodes = members(FAMILIES[family])
    assert nodes, f"no {family} in the data"
    missing = sorted(str(n) for n in nodes if not {"sv", "en"} <= languages(n))
    assert missing == []


def test_expected_counts():
    assert len(members(FAMILIES["Person"])) == 11
    assert len(members(FAMILIES["Organization"])) == 12
    assert len(members(FAMILIES["Place"])) == 8


def test_person_name_identical_in_both_languages():
    graph = data_graph()
    for person in members(FAMILIES["Person"]):
        names = {lit.language: str(lit) for lit in graph.objects(person, SDO.name)}
        assert names["sv"] == names["en"], person


def test_typos_are_corrected_in_names_and_kept_only_as_quotes():
    graph = data_graph()
    all_names = {str(o) for o in graph.objects(None, SDO.name)}
    assert "Helene Hellmark Knutsson" in all_names
    for typo in ("Hellemark", "Sambrusk", "Dataskyddsfördordningen", "Ordörande"):
        assert not any(typo in n for n in all_names), typo
    quotes = {str(o) for o in graph.objects(None, URIRef("https://w3id.org/digigov-lod/def/quote"))}
    for typo in ("Helene Hellemark Knutsson", "SKL:s Ordörande", "Dataskyddsfördordningen", "CISCO"):
        assert any(typo in q for q in quotes), typo
