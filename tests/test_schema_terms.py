"""Every schema.org term used in data/, ontology/ and shapes/ exists in the shipped vocabulary."""

from functools import lru_cache

import pytest
from data_fixtures import DATA_DIR, ONTOLOGY_DIR, SCHEMAORG_TTL, SDO, SHAPES_DIR, data_graph, parse_files
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH

SCHEMA_NS = str(SDO)
# enumeration members used as IRI values
ENUM_TYPES = {SDO.EventStatusType, SDO.EventAttendanceModeEnumeration}


@lru_cache(maxsize=1)
def vocabulary() -> Graph:
    assert SCHEMAORG_TTL.exists(), f"schema.org vocabulary missing at {SCHEMAORG_TTL}"
    return Graph().parse(SCHEMAORG_TTL, format="turtle")


def kind(term):
    vocab = vocabulary()
    types = set(vocab.objects(term, RDF.type))
    if RDFS.Class in types:
        return "class"
    if RDF.Property in types:
        return "property"
    if types & ENUM_TYPES:
        return "member"
    return None


def used_terms():
    graph = parse_files(
        list(DATA_DIR.glob("*.ttl")) + list(ONTOLOGY_DIR.glob("*.ttl")) + list(SHAPES_DIR.glob("*.ttl"))
    )
    predicates, classes, others = set(), set(), set()
    for _s, p, o in graph:
        if str(p).startswith(SCHEMA_NS):
            predicates.add(p)
        if (p == RDF.type and str(o).startswith(SCHEMA_NS)) or (
            p in (SH.targetClass, SH["class"], RDFS.subClassOf, RDFS.domain, RDFS.range)
            and str(o).startswith(SCHEMA_NS)
        ):
            classes.add(o)
        elif (
            p in (SH.path, RDFS.subPropertyOf, RDFS.seeAlso, SH.targetSubjectsOf, SH.targetObjectsOf)
            and str(o).startswith(SCHEMA_NS)
        ) or (isinstance(o, URIRef) and str(o).startswith(SCHEMA_NS)):
            others.add(o)
    return predicates, classes, others


def test_vocabulary_is_https_release():
    assert (SDO.Event, RDF.type, RDFS.Class) in vocabulary()


def test_predicates_are_schema_properties():
    predicates, _, _ = used_terms()
    assert predicates
    assert sorted(str(p) for p in predicates if kind(p) != "property") == []


def test_classes_are_schema_classes():
    _, classes, _ = used_terms()
    assert SDO.BusinessEvent in classes
    assert sorted(str(c) for c in classes if kind(c) != "class") == []


def test_every_other_schema_iri_exists():
    _, _, others = used_terms()
    assert sorted(str(t) for t in others if kind(t) is None) == []


def test_event_status_values_are_enumeration_members():
    graph = data_graph()
    for value in graph.objects(None, SDO.eventStatus):
        assert (value, RDF.type, SDO.EventStatusType) in vocabulary()
    for value in graph.objects(None, SDO.eventAttendanceMode):
        assert (value, RDF.type, SDO.EventAttendanceModeEnumeration) in vocabulary()


def superclasses(cls):
    vocab = vocabulary()
    return {cls} | set(vocab.transitive_objects(cls, RDFS.subClassOf))


def domains(prop):
    vocab = vocabulary()
    doms = set(vocab.objects(prop, SDO.domainIncludes))
    for sup in vocab.transitive_objects(prop, RDFS.subPropertyOf):
        doms |= set(vocab.objects(sup, SDO.domainIncludes))
    return doms


@lru_cache(maxsize=1)
def domain_mismatches():
    """schema.org properties used on subjects none of whose schema.org types is in the domain."""
    graph = data_graph()
    bad = []
    for s, p in set(graph.subject_predicates()):
        if not str(p).startswith(SCHEMA_NS) or not str(s).startswith("https://w3id.org/digigov-lod/id/"):
            continue
        types = {t for t in graph.objects(s, RDF.type) if str(t).startswith(SCHEMA_NS)}
        # own classes: use their schema.org superclasses from the ontology
        for t in graph.objects(s, RDF.type):
            types |= {c for c in graph.transitive_objects(t, RDFS.subClassOf) if str(c).startswith(SCHEMA_NS)}
        allowed = domains(p)
        if not allowed or not types:
            continue
        if not any(superclasses(t) & allowed for t in types):
            bad.append((str(s), str(p)))
    return sorted(bad)


# properties knowingly used outside their declared schema.org domain, with the reason
KNOWN_OUTSIDE_DOMAIN = {
    # the report's order of a day's sessions (docs/modelling.md): schema:position on events, so that
    # the order is one triple away instead of behind a programme ItemList
    "https://schema.org/position",
    # skos:Concept subjects are not schema.org typed; not applicable here
}


@pytest.mark.parametrize("ignored", [sorted(KNOWN_OUTSIDE_DOMAIN)])
def test_properties_used_on_compatible_domains(ignored):
    bad = [(s, p) for s, p in domain_mismatches() if p not in ignored]
    assert bad == []
