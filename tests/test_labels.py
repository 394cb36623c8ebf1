"""Every person, organisation, event and place (and their subclasses) has a Swedish and an English label:
one plain literal when the name is the same in both languages, otherwise @sv and @en."""

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
    """The languages a node is labelled in; a plain literal serves both."""
    graph = data_graph()
    found = set()
    for p in LABELS:
        for lit in graph.objects(node, p):
            language = getattr(lit, "language", None)
            found |= {language} if language else {"sv", "en"}
    return found


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_has_bilingual_labels(family):
    nodes = members(FAMILIES[family])
    assert nodes, f"no {family} in the data"
    missing = sorted(str(n) for n in nodes if not {"sv", "en"} <= languages(n))
    assert missing == []


def test_expected_counts():
    assert len(members(FAMILIES["Person"])) == 11
    # 12 named in the report, Karlsson's ministry (reference notes), the closing speakers from Denmark and Norway
    assert len(members(FAMILIES["Organization"])) == 15
    # 8 places, and the two universities, which schema.org also counts as places (CollegeOrUniversity)
    assert len(members(FAMILIES["Place"])) == 10


def test_person_name_is_one_plain_literal():
    graph = data_graph()
    for person in members(FAMILIES["Person"]):
        names = list(graph.objects(person, SDO.name))
        assert len(names) == 1 and names[0].language is None, person


def test_typos_are_corrected_in_names_and_kept_as_quotes_and_hidden_labels():
    graph = data_graph()
    all_names = {str(o) for o in graph.objects(None, SDO.name)}
    assert "Helene Hellmark Knutsson" in all_names
    for typo in ("Hellemark", "Sambrusk", "Dataskyddsfördordningen", "Ordörande"):
        assert not any(typo in n for n in all_names), typo
    quotes = {str(o) for o in graph.objects(None, URIRef("https://w3id.org/digigov-lod/def/quote"))}
    hidden = {str(o) for o in graph.objects(None, SKOS.hiddenLabel)}
    for typo in ("Helene Hellemark Knutsson", "SKL:s Ordörande", "Dataskyddsfördordningen", "CISCO"):
        assert any(typo in q for q in quotes), typo
        assert typo in hidden, typo
