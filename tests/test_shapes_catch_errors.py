"""Each shape catches a deliberately broken copy of the real data, through the build's (fast) validation.

Every case starts from the real data (which conforms), breaks one thing (a Turtle fixture in
tests/fixtures/broken/ added on top, or triples removed/changed programmatically) and expects a
violation whose message contains a given text, from the shape family that should catch it.
"""

from __future__ import annotations

import pytest
from data_fixtures import (
    DGV,
    FIXTURES_DIR,
    SDO,
    SHAPES_DIR,
    fresh_data_graph,
    iri,
    ontology_graph,
    parse_files,
)
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from digigov_lod.validation import validate

BROKEN = FIXTURES_DIR / "broken"


def remove(s, p, o=None):
    def mutate(g):
        assert (s, p, o) in g or (o is None and (s, p, None) in g), f"nothing to remove: {s} {p} {o}"
        g.remove((s, p, o))

    return mutate


def replace(s, p, new):
    def mutate(g):
        assert (s, p, None) in g, f"nothing to replace: {s} {p}"
        g.remove((s, p, None))
        g.add((s, p, new))

    return mutate


def add(*triples):
    def mutate(g):
        for t in triples:
            g.add(t)

    return mutate


def fixture(name):
    def mutate(g):
        g.parse(BROKEN / name, format="turtle")

    return mutate


def drop_lang(s, p, lang):
    def mutate(g):
        found = [o for o in g.objects(s, p) if getattr(o, "language", None) == lang]
        assert found, f"no @{lang} value of {p} on {s}"
        for o in found:
            g.remove((s, p, o))

    return mutate


def replace_lang(s, p, lang, text):
    """Swap the @lang value of ``p`` for another text in the same language."""

    def mutate(g):
        drop_lang(s, p, lang)(g)
        g.add((s, p, Literal(text, lang=lang)))

    return mutate


CONF = iri("event", "digigov-2017")
DAY2 = iri("event", "digigov-2017-day-2")
AI = iri("event", "ai-session")
PANEL = iri("event", "closing-panel")
SAMBRUK = iri("organization", "sambruk")
SHEKARABI = iri("person", "ardalan-shekarabi")
CONTACT = iri("contact", "sambruk-claes-olof-olsson")
ADDR = iri("address", "sambruk-postal")
JOBS = iri("claim", "digitalisation-creates-more-jobs")
REC1 = iri("claim", "recommendation-use-existing-assets")
REPORT = iri("work", "report")
GDPR = iri("topic", "gdpr")
ROLE_ERIKSSON = iri("role", "peter-eriksson-minister")
ROLE_MICKO = iri("role", "lena-micko-skl")
ROLE_BIRKESTAD = iri("role", "jenny-birkestad-skl")
ROLE_WALERUD = iri("role", "jane-walerud-entrepreneur")
MICKO = iri("person", "lena-micko")
TOPICS = iri("topic", "scheme")
KISTA = iri("place", "kista")

CASES = [
    # (id, shapes file, mutation, expected message fragment)
    (
        "event-date-datatype",
        "events.ttl",
        replace(CONF, SDO.startDate, Literal("2017-12-05T09:00:00", datatype=XSD.dateTime)),
        "xsd:date",
    ),
    (
        "event-end-before-start",
        "events.ttl",
        replace(CONF, SDO.endDate, Literal("2017-12-04", datatype=XSD.date)),
        "not after schema:endDate",
    ),
    (
        "event-status-string",
        "events.ttl",
        replace(CONF, SDO.eventStatus, Literal("https://schema.org/EventScheduled")),
        "EventStatusType given as an IRI",
    ),
    (
        "event-attendance-missing",
        "events.ttl",
        remove(CONF, SDO.eventAttendanceMode, SDO.OfflineEventAttendanceMode),
        "eventAttendanceMode",
    ),
    (
        "event-name-no-english",
        "provenance.ttl",
        drop_lang(AI, SDO.name, "en"),
        "schema:name is either one plain literal",
    ),
    (
        "session-without-day",
        "events.ttl",
        remove(AI, SDO.superEvent, iri("event", "digigov-2017-day-1")),
        "schema:superEvent",
    ),
    (
        "session-missing-inverse",
        "events.ttl",
        remove(DAY2, SDO.subEvent, PANEL),
        "does not list it with schema:subEvent",
    ),
    (
        "session-wrong-day",
        "events.ttl",
        replace(PANEL, SDO.startDate, Literal("2017-12-07", datatype=XSD.date)),
        "outside the dates of its super-event",
    ),
    ("session-closed", "events.ttl", add((AI, SDO.startTime, Literal("09:00"))), "not allowed on dgv:Session"),
    (
        "performer-is-a-role",
        "events.ttl",
        add((AI, SDO.performer, iri("role", "christian-guttmann-ai-session"))),
        "not at a role",
    ),
    (
        "attendee-is-a-role",
        "events.ttl",
        add((CONF, SDO.attendee, iri("role", "sambruk-exhibitor-digigov-2017"))),
        "must point straight at a person or organisation",
    ),
    (
        "person-name-extra-language",
        "agents.ttl",
        add((SHEKARABI, SDO.name, Literal("A. Shekarabi", lang="de"))),
        "exactly one schema:name, a plain literal",
    ),
    (
        "person-name-tagged",
        "agents.ttl",
        lambda g: (
            g.remove((SHEKARABI, SDO.name, None)),
            g.add((SHEKARABI, SDO.name, Literal("Ardalan Shekarabi", lang="sv"))),
            g.add((SHEKARABI, SDO.name, Literal("Ardalan Shekarabi", lang="en"))),
        ),
        "a plain literal without language tag",
    ),
    ("org-number-format", "agents.ttl", replace(SAMBRUK, DGV.organisationNumber, Literal("8024282785")), "NNNNNN-NNNN"),
    ("contact-no-email", "agents.ttl", remove(CONTACT, SDO.email), "schema:email"),
    ("role-not-dated", "agents.ttl", remove(ROLE_ERIKSSON, DGV.attestedOn), "dgv:attestedOn"),
    ("role-blank-node", "agents.ttl", fixture("blank-node-role.ttl"), "Role IRIs must look like"),
    ("postcode-format", "places.ttl", replace(ADDR, SDO.postalCode, Literal("81132")), "NNN NN"),
    ("country-code", "places.ttl", replace(ADDR, SDO.addressCountry, Literal("Sverige")), "ISO 3166-1"),
    ("claim-no-appearance", "claims.ttl", remove(JOBS, SDO.appearance), "schema:appearance"),
    (
        "claim-unattributed",
        "claims.ttl",
        lambda g: (g.remove((JOBS, SDO.author, None)), g.remove((JOBS, DGV.statedAt, None))),
        "neither who made it",
    ),
    ("judgement-by-speaker", "claims.ttl", fixture("judgement-by-speaker.ttl"), "not the author of the report"),
    ("recommendation-no-position", "claims.ttl", remove(REC1, SDO.position), "schema:position"),
    ("quote-not-swedish", "claims.ttl", add((JOBS, DGV.quote, Literal("more jobs", lang="en"))), "tagged @sv"),
    ("report-language", "creative-works.ttl", replace(REPORT, SDO.inLanguage, Literal("en")), "inLanguage"),
    (
        "report-missing-mention",
        "creative-works.ttl",
        remove(REPORT, SDO.mentions, iri("person", "darja-isaksson")),
        "does not list it with schema:mentions",
    ),
    ("invented-image-content", "creative-works.ttl", fixture("invented-word-cloud.ttl"), "do not invent"),
    (
        "concept-no-english",
        "provenance.ttl",
        drop_lang(GDPR, SKOS.prefLabel, "en"),
        "skos:prefLabel is either one plain literal",
    ),
    (
        "concept-dangling-about",
        "topics.ttl",
        add((AI, SDO.about, iri("topic", "artifical-intelligence"))),
        "not described in the graph",
    ),
    (
        "no-provenance",
        "provenance.ttl",
        remove(iri("person", "lena-micko"), PROV.wasDerivedFrom),
        "Missing prov:wasDerivedFrom",
    ),
    (
        "provenance-elsewhere",
        "provenance.ttl",
        add((iri("person", "lena-micko"), PROV.wasDerivedFrom, URIRef("https://example.org/blog"))),
        "prov:wasDerivedFrom must point to the report",
    ),
    (
        "label-missing",
        "provenance.ttl",
        lambda g: (
            drop_lang(iri("role", "lena-micko-skl"), SDO.name, "en")(g),
            drop_lang(iri("role", "lena-micko-skl"), RDFS.label, "en")(g),
        ),
        "Missing English label",
    ),
    (
        "name-same-in-both-languages",
        "provenance.ttl",
        lambda g: (
            g.remove((KISTA, SDO.name, None)),
            g.add((KISTA, SDO.name, Literal("Kista", lang="sv"))),
            g.add((KISTA, SDO.name, Literal("Kista", lang="en"))),
        ),
        "write it once as a plain literal",
    ),
    ("name-plain-and-tagged", "provenance.ttl", add((KISTA, SDO.name, Literal("Kista", lang="sv"))), "not both"),
    ("rdfs-label-missing", "provenance.ttl", remove(KISTA, RDFS.label), "Missing rdfs:label"),
    ("rdfs-label-not-name", "provenance.ttl", replace(KISTA, RDFS.label, Literal("Kista C")), "must equal schema:name"),
    (
        "supertype-missing",
        "provenance.ttl",
        remove(iri("organization", "regeringen"), RDF.type, SDO.Organization),
        "not typed schema:Organization",
    ),
    (
        "own-supertype-missing",
        "provenance.ttl",
        remove(AI, RDF.type, SDO.Event),
        "the ontology declares as its superclass",
    ),
    ("start-date-partial", "provenance.ttl", fixture("partial-date-in-start-date.ttl"), "holds only a full xsd:date"),
    (
        "partial-date-full",
        "provenance.ttl",
        add((ROLE_BIRKESTAD, DGV.partialEndDate, Literal("2018-01-01", datatype=XSD.date))),
        "hold only an xsd:gYear or xsd:gYearMonth",
    ),
    ("iri-scheme", "provenance.ttl", fixture("bad-iri-slug.ttl"), "IRI scheme"),
    (
        "reference-note-unmarked",
        "provenance.ttl",
        remove(SHEKARABI, DGV.referenceNoteProperty, SDO.sameAs),
        "add dgv:referenceNoteProperty",
    ),
    (
        "reference-note-unsourced",
        "provenance.ttl",
        remove(SHEKARABI, PROV.wasDerivedFrom, iri("work", "reference-notes")),
        "no prov:wasDerivedFrom pointing to the reference notes",
    ),
    ("typed-blank-node", "provenance.ttl", fixture("blank-node-role.ttl"), "blank node"),
    # --- direct statements, and the Role nodes that qualify them
    (
        "org-role-without-organisation",
        "agents.ttl",
        remove(ROLE_MICKO, DGV.roleValue, iri("organization", "skl")),
        "must name exactly one organisation",
    ),
    (
        "role-without-direct-statement",
        "agents.ttl",
        remove(MICKO, SDO.affiliation, iri("organization", "skl")),
        "but not the direct statement",
    ),
    (
        "direct-statement-without-role",
        "agents.ttl",
        add((MICKO, SDO.worksFor, SAMBRUK)),
        "has no Role node with the qualified details",
    ),
    ("role-pattern-half", "agents.ttl", fixture("role-pattern-half.ttl"), "but not the direct statement"),
    (
        "role-repeats-schema-property",
        "agents.ttl",
        fixture("role-repeats-schema-property.ttl"),
        "names its value with dgv:roleValue",
    ),
    (
        "org-role-unlinked",
        "agents.ttl",
        remove(MICKO, DGV.affiliationRole, ROLE_MICKO),
        "must be linked from its person",
    ),
    (
        "org-role-name-no-english",
        "provenance.ttl",
        drop_lang(ROLE_MICKO, SDO.roleName, "en"),
        "schema:roleName is either one plain literal",
    ),
    (
        "affiliation-to-a-role",
        "agents.ttl",
        add((SHEKARABI, SDO.affiliation, iri("role", "ardalan-shekarabi-minister"))),
        "point straight at the organisation",
    ),
    (
        "affiliation-undated",
        "agents.ttl",
        remove(ROLE_MICKO, DGV.attestedOn),
        "dgv:attestedOn",
    ),
    (
        "held-position-deprecated",
        "agents.ttl",
        add((SHEKARABI, DGV.heldPosition, iri("role", "ardalan-shekarabi-minister"))),
        "deprecated",
    ),
    (
        "occupation-not-an-occupation",
        "agents.ttl",
        add((iri("person", "jane-walerud"), SDO.hasOccupation, iri("position", "minister"))),
        "typed schema:Occupation",
    ),
    # --- performers of the days and the conference, derived from the sessions at build time
    (
        "day-performer-missing",
        "events.ttl",
        remove(DAY2, SDO.performer, MICKO),
        "missing from its schema:performer",
    ),
    (
        "conference-performer-extra",
        "events.ttl",
        add((CONF, SDO.performer, iri("person", "claes-olof-olsson"))),
        "performs in none of its sessions",
    ),
    (
        "conference-performer-not-marked-derived",
        "events.ttl",
        remove(CONF, DGV.derivedProperty, SDO.performer),
        "declare dgv:derivedProperty",
    ),
    (
        "derived-marking-without-values",
        "provenance.ttl",
        add((iri("event", "digigov"), DGV.derivedProperty, SDO.performer)),
        "declares dgv:derivedProperty",
    ),
    # --- the report's order of each day's sessions
    ("programme-position-missing", "events.ttl", remove(AI, SDO.position), "place in the report's order"),
    (
        "programme-position-twice",
        "events.ttl",
        replace(AI, SDO.position, Literal(2)),
        "same schema:position",
    ),
    # --- schema.org view: concepts as DefinedTerms
    ("concept-not-defined-term", "topics.ttl", remove(GDPR, RDF.type, SDO.DefinedTerm), "typed schema:DefinedTerm"),
    (
        "defined-term-name-differs",
        "topics.ttl",
        replace_lang(GDPR, SDO.name, "en", "GDPR"),
        "schema:name must equal its skos:prefLabel",
    ),
    (
        "defined-term-description-differs",
        "topics.ttl",
        drop_lang(GDPR, SDO.description, "sv"),
        "schema:description must equal its skos:definition",
    ),
    (
        "defined-term-without-set",
        "topics.ttl",
        remove(GDPR, SDO.inDefinedTermSet, TOPICS),
        "inDefinedTermSet exactly one schema:DefinedTermSet",
    ),
    (
        "scheme-not-term-set",
        "topics.ttl",
        remove(TOPICS, RDF.type, SDO.DefinedTermSet),
        "typed schema:DefinedTermSet",
    ),
    (
        "report-invented-date",
        "creative-works.ttl",
        add((REPORT, SDO.datePublished, Literal("2017-12-08", datatype=XSD.date))),
        "do not invent schema:datePublished",
    ),
]


@pytest.mark.parametrize("shapes_file,mutate,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_shape_catches_broken_data(shapes_file, mutate, expected):
    graph = fresh_data_graph()
    mutate(graph)
    outcome = validate(graph, parse_files([SHAPES_DIR / shapes_file]), ontology_graph())  # as the build does
    messages = [f.message for f in outcome.violations]
    assert not outcome.conforms
    assert any(expected in m for m in messages), messages


def test_every_shape_file_has_a_case():
    covered = {c[1] for c in CASES}
    assert covered == {p.name for p in SHAPES_DIR.glob("*.ttl")}


def test_unattributed_claims_only_warn():
    """sh:Warning results (claims whose author the report does not name) do not fail the build."""
    graph = fresh_data_graph()
    outcome = validate(graph, parse_files([SHAPES_DIR / "claims.ttl"]), ontology_graph())
    assert outcome.conforms
    warned = {f.focus_node for f in outcome.warnings}
    assert str(iri("claim", "denmark-far-ahead")) in warned
    assert str(JOBS) not in warned
