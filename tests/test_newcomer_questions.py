"""Questions as a newcomer writes them, asked over HTTP of the production server, answered from the report.

Each query uses schema.org terms only (no Role paths, no language filters, no inference), as someone
who knows schema.org but has read nothing about this graph would write it. The expected answer is
taken from the report (``shared/seeds/000_f4c9b8620ac27d9d.txt``; the comment cites the line).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from support import LiveServer

from digigov_lod.inference import materialise, schema_superclasses
from digigov_lod.jsonld.frames import derive_class_hierarchy

BASE = "https://w3id.org/digigov-lod/"
SDO = Namespace("https://schema.org/")
PREFIXES = f"""PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX person: <{BASE}id/person/>
PREFIX org: <{BASE}id/organization/>
PREFIX event: <{BASE}id/event/>
"""


@pytest.fixture(scope="module")
def ask(live_server: LiveServer):
    """Run a SELECT query on the live endpoint; return its rows as tuples of strings (ids shortened)."""

    def run(query: str) -> list[tuple[str, ...]]:
        response = requests.get(
            live_server.url + "sparql",
            params={"query": PREFIXES + query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        data = response.json()
        names = data["head"]["vars"]
        rows = []
        for binding in data["results"]["bindings"]:
            row = []
            for name in names:
                value = binding.get(name, {}).get("value", "")
                row.append(value.removeprefix(BASE + "id/"))
            rows.append(tuple(row))
        return rows

    return run


PEOPLE = {
    "Christian Guttmann",  # line 22
    "Jenny Birkestad",  # line 27
    "Jane Walerud",  # line 27
    "Daniel Forslund",  # line 27
    "Ardalan Shekarabi",  # line 29
    "Lena Micko",  # line 29
    "Peter Eriksson",  # line 30
    "Helene Hellmark Knutsson",  # line 30 (the page writes "Hellemark")
    "Agneta Karlsson",  # line 30
    "Darja Isaksson",  # line 43
    "Claes-Olof Olsson",  # line 48
}


def test_people_one_row_each(ask) -> None:
    rows = ask("SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name }")
    assert len(rows) == 11
    assert {name for _, name in rows} == PEOPLE


def test_find_a_person_by_name(ask) -> None:
    # line 22: "AI-forskaren Christian Guttmann"
    assert ask('SELECT ?p WHERE { ?p schema:name "Christian Guttmann" }') == [("person/christian-guttmann",)]


def test_guttmann_works_for_an_organisation(ask) -> None:
    # line 22: "Executive Director, Nordic Artificial Intelligence Institute NAII"
    rows = ask("SELECT ?x WHERE { person:christian-guttmann schema:worksFor ?x . ?x a schema:Organization }")
    assert rows == [("organization/naii",)]


def test_guttmann_affiliations(ask) -> None:
    # line 22: "Professor (Adj. Assoc.) University of New South Wales Karolinska Institutet"
    rows = ask("SELECT ?x WHERE { person:christian-guttmann schema:affiliation ?x }")
    assert set(rows) == {("organization/unsw",), ("organization/karolinska-institutet",)}


def test_all_organisations_are_organizations(ask) -> None:
    rows = ask("SELECT DISTINCT ?o WHERE { ?o a schema:Organization }")
    named_in_report = {
        "organization/sambruk",  # line 6
        "organization/regeringen",  # lines 11, 19 ("Regeringens Öppna Råd")
        "organization/skl",  # line 27
        "organization/sll",  # line 27
        "organization/mckinsey",  # line 21
        "organization/cisco",  # line 21
        "organization/naii",  # line 22
        "organization/unsw",  # line 22
        "organization/karolinska-institutet",  # line 22
        "organization/oecd",  # line 42
        "organization/digg",  # line 29 ("den nya Digitaliseringsmyndigheten")
        "organization/sandvikens-kommun",  # line 54
    }
    # the closing speakers "från Danmark, Norge och OECD" (line 43), and Karlsson's ministry (reference notes)
    others = {
        "organization/speakers-from-denmark",
        "organization/speakers-from-norway",
        "organization/socialdepartementet",
    }
    assert {o for (o,) in rows} == named_in_report | others


def test_the_ai_session_performer_is_a_person(ask) -> None:
    # line 22: the AI session, with Christian Guttmann among the speakers
    rows = ask(
        """SELECT ?p ?name WHERE {
          ?s schema:name
               "Bättre beslut och effektivare verksamhet genom automatisering och artificiell intelligens"@sv ;
             schema:performer ?p .
          ?p schema:name ?name }"""
    )
    assert rows == [("person/christian-guttmann", "Christian Guttmann")]


def test_performers_of_the_welfare_session(ask) -> None:
    # line 27: "presenterade och diskuterade Jenny Birkestad/SKL, Jane Walerud ... och ... Daniel Forslund"
    rows = ask(
        """SELECT ?name WHERE {
          ?s schema:name "Hur kan fler vara med och skapa morgondagens välfärd?"@sv ; schema:performer ?p .
          ?p schema:name ?name }"""
    )
    assert set(rows) == {("Jenny Birkestad",), ("Jane Walerud",), ("Daniel Forslund",)}


def test_performers_of_the_conference(ask) -> None:
    # lines 21-43: everyone on stage; McKinsey, Cisco and the closing speakers are named only by organisation or country
    rows = ask(
        """SELECT DISTINCT ?p WHERE {
          ?e schema:name "DigiGov – Toppledarforum för ett smartare Sverige"@sv ; schema:performer ?p }"""
    )
    people = ask("SELECT ?p WHERE { ?e schema:performer ?p . ?p a schema:Person }")
    assert len(rows) == 15
    assert {p for (p,) in people} >= {f"person/{s}" for s in ("christian-guttmann", "darja-isaksson", "lena-micko")}
    assert "person/claes-olof-olsson" not in {p for (p,) in rows}  # he attended, he did not perform (lines 19, 32)


def test_performers_on_day_2(ask) -> None:
    # lines 27-43: day 2 had Birkestad, Walerud, Forslund, Shekarabi, Micko, Eriksson, Hellmark Knutsson,
    # Karlsson, and the closing speakers from Denmark, Norway and the OECD moderated by Isaksson
    rows = ask(
        """SELECT DISTINCT ?p WHERE {
          ?day schema:name "DigiGov 2017, dag 2"@sv ; schema:performer ?p . ?p a schema:Person }"""
    )
    assert len(rows) == 9


def test_when_was_the_conference(ask) -> None:
    # line 4: "den 5-6 december 2017"
    rows = ask(
        """SELECT ?start ?end WHERE {
          ?e a schema:Event ; schema:alternateName "DigiGov 2017" ; schema:startDate ?start ; schema:endDate ?end }"""
    )
    assert rows == [("2017-12-05", "2017-12-06")]


def test_where_was_the_conference(ask) -> None:
    # line 4: "i Kista"
    rows = ask(
        'SELECT ?name WHERE { ?e schema:alternateName "DigiGov 2017" ; schema:location ?l . ?l schema:name ?name }'
    )
    assert rows == [("Kista",)]


def test_find_a_place_by_name(ask) -> None:
    # line 4
    assert ask('SELECT ?x WHERE { ?x a schema:Place ; schema:name "Kista" }') == [("place/kista",)]


def test_find_organisations_by_the_report_s_short_names(ask) -> None:
    # line 27 ("SKL", "SLL"), line 42 ("OECD")
    rows = ask('SELECT ?x WHERE { VALUES ?n { "SKL" "SLL" "OECD" } ?x a schema:Organization ; schema:name ?n }')
    assert set(rows) == {("organization/skl",), ("organization/sll",), ("organization/oecd",)}


def test_events_before_day_2(ask) -> None:
    # lines 17-23: day 1 = the conference's first day, the Open Council (and its track), the talks on the pace
    # of digitalisation, the AI session and the information-security session
    rows = ask(
        """SELECT ?e WHERE { ?e a schema:Event ; schema:startDate ?d .
          FILTER(?d < "2017-12-06"^^xsd:date) }"""
    )
    assert {e for (e,) in rows} == {
        f"event/{s}"
        for s in (
            "digigov-2017",
            "digigov-2017-day-1",
            "open-council",
            "open-council-governance-track",
            "pace-of-digitalisation",
            "ai-session",
            "information-security",
        )
    }


def test_every_start_date_compares_as_a_date(ask) -> None:
    # no value of schema:startDate drops out of a date comparison (partial dates have their own property)
    every = ask("SELECT (COUNT(*) AS ?n) WHERE { ?x schema:startDate ?d }")
    comparable = ask(
        """SELECT (COUNT(*) AS ?n) WHERE { ?x schema:startDate ?d .
          FILTER(?d <= "2030-01-01"^^xsd:date || ?d > "2030-01-01"^^xsd:date) }"""
    )
    assert every == comparable and int(every[0][0]) > 10


def test_day_2_sessions_in_the_report_s_order(ask) -> None:
    # lines 27, 29, 30, 32, 40 and 43, in that order
    rows = ask(
        """SELECT ?s WHERE { ?day schema:name "DigiGov 2017, dag 2"@sv .
          ?s schema:superEvent ?day ; schema:position ?n } ORDER BY ?n"""
    )
    assert [s for (s,) in rows] == [
        "event/tomorrows-welfare",
        "event/securing-welfare",
        "event/ministers-session",
        "event/societal-challenges",
        "event/international-outlooks",
        "event/closing-panel",
    ]


def test_how_many_sessions_on_day_1(ask) -> None:
    # lines 19-23: four items
    rows = ask(
        """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s a schema:Event ; schema:superEvent ?day . ?day schema:name "DigiGov 2017, dag 1"@sv }"""
    )
    assert rows == [("4",)]


def test_micko_is_affiliated_with_skl(ask) -> None:
    # line 29: "SKL:s Ordörande Lena Micko"
    assert ask("SELECT ?org WHERE { person:lena-micko schema:affiliation ?org }") == [("organization/skl",)]


def test_people_tied_to_skl(ask) -> None:
    # line 27 ("Jenny Birkestad/SKL") and line 29 ("SKL:s Ordörande Lena Micko")
    rows = ask(
        'SELECT ?name WHERE { ?p schema:worksFor|schema:affiliation ?o ; schema:name ?name . ?o schema:name "SKL" }'
    )
    assert set(rows) == {("Jenny Birkestad",), ("Lena Micko",)}


def test_ministers_in_the_government(ask) -> None:
    # line 29 ("Civilminister Ardalan Shekarabi") and line 30 (ministers Eriksson and Hellmark Knutsson)
    rows = ask('SELECT ?name WHERE { ?p schema:affiliation ?g ; schema:name ?name . ?g schema:name "Regeringen"@sv }')
    assert set(rows) == {("Ardalan Shekarabi",), ("Peter Eriksson",), ("Helene Hellmark Knutsson",)}


def test_walerud_occupations(ask) -> None:
    # line 27: "världskänd entreprenör och start-up-investerare"
    rows = ask("SELECT DISTINCT ?o WHERE { person:jane-walerud schema:hasOccupation ?o . ?o a schema:Occupation }")
    assert set(rows) == {("position/entrepreneur",), ("position/investor",)}


def test_who_works_for_sambruk(ask) -> None:
    # line 48: "Föreningen Sambruks Verkst.tjm, Claes-Olof Olsson"
    rows = ask('SELECT ?name WHERE { ?p schema:worksFor ?o ; schema:name ?name . ?o schema:alternateName "Sambruk" }')
    assert rows == [("Claes-Olof Olsson",)]


@pytest.mark.parametrize(
    "spelling,thing",
    [
        ("Helene Hellemark Knutsson", "person/helene-hellmark-knutsson"),  # line 30
        ("Dataskyddsfördordningen", "topic/gdpr"),  # line 23
        ("CISCO", "organization/cisco"),  # line 21
        ("ISO27001", "topic/iso-iec-27001"),  # line 23
    ],
)
def test_search_with_the_page_s_spelling(ask, spelling: str, thing: str) -> None:
    rows = ask(f'SELECT DISTINCT ?x WHERE {{ ?x ?anything "{spelling}" }}')
    assert rows == [(thing,)]


def test_claims_by_the_civil_minister(ask) -> None:
    # line 29: Sweden has fallen behind; it will catch up, among other things through the new agency
    rows = ask('SELECT ?c WHERE { ?c a schema:Claim ; schema:author ?a . ?a schema:name "Ardalan Shekarabi" }')
    assert set(rows) == {("claim/sweden-has-fallen-behind",), ("claim/sweden-will-catch-up-new-agency",)}


def test_the_agreement_of_the_joint_session(ask) -> None:
    # line 29: Shekarabi and Micko shook hands to confirm the agreement "Tillsammans säkra välfärden i Sverige"
    rows = ask(
        """SELECT ?w ?party WHERE { ?s schema:name "Tillsammans säkra välfärden i Sverige"@sv ;
          schema:workFeatured ?w . ?w schema:creator ?party }"""
    )
    assert set(rows) == {
        ("work/agreement-government-skl", "organization/regeringen"),
        ("work/agreement-government-skl", "organization/skl"),
    }


def test_the_government_s_vision(ask) -> None:
    # line 13: "regeringens vision att Sverige ska bli bäst i världen på att utnyttja digitaliseringens möjligheter"
    rows = ask('SELECT ?c WHERE { ?c a schema:Claim ; schema:author ?g . ?g schema:name "Regeringen"@sv }')
    assert rows == [("claim/government-vision-best-in-world",)]


def test_performers_of_the_outlooks(ask) -> None:
    # lines 40-43: the closing talks on Denmark and Norway, by "föreläsargruppen (från Danmark, Norge och OECD)"
    rows = ask(
        """SELECT ?p WHERE { ?s schema:workFeatured ?review ; schema:performer ?p .
          ?review schema:author ?author . ?author schema:name "OECD" }"""
    )
    assert set(rows) == {
        ("organization/speakers-from-denmark",),
        ("organization/speakers-from-norway",),
        ("organization/oecd",),
    }


def test_the_closing_panel_moderator_performs(ask) -> None:
    # line 43: "moderatorn, Darja Isaksson"
    rows = ask('SELECT ?e WHERE { ?e schema:performer ?p ; schema:superEvent ?day . ?p schema:name "Darja Isaksson" }')
    # she performs in the closing panel, and therefore on day 2 and at the conference
    assert set(rows) == {("event/closing-panel",), ("event/digigov-2017-day-2",), ("event/digigov-2017",)}


def test_the_new_agency_in_sundsvall(ask) -> None:
    # line 29: "den nya Digitaliseringsmyndigheten, som kommer att placeras i Sundsvall"
    rows = ask('SELECT ?o WHERE { ?o a schema:Organization ; schema:location ?l . ?l schema:name "Sundsvall" }')
    assert rows == [("organization/digg",)]


def test_sambruk_postal_code(ask) -> None:
    # line 55: "Postadress: c/o Sandbacka Park, Högbovägen 45, 811 32 Sandviken"
    rows = ask('SELECT ?pc WHERE { ?o schema:alternateName "Sambruk" ; schema:address ?a . ?a schema:postalCode ?pc }')
    assert rows == [("811 32",)]


def test_the_report_is_a_creative_work(ask) -> None:
    # line 4: the report's title
    rows = ask(
        """SELECT ?r WHERE { ?r a schema:CreativeWork ;
          schema:name "Intryck från DigiGov-konferensen i Kista, den 5-6 december 2017"@sv }"""
    )
    assert rows == [("work/report",)]


# ---- what generic tools and the build rely on (not newcomer questions)


def test_generic_tools_find_rdfs_labels(ask) -> None:
    """YASGUI, LodView and Protégé show rdfs:label: every thing under id/ has one."""
    rows = ask(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?t . FILTER(STRSTARTS(STR(?x), "https://w3id.org/digigov-lod/id/"))
          FILTER NOT EXISTS { ?x rdfs:label ?l } }"""
    )
    assert rows == [("0",)]


@cache
def _vocabulary_hierarchy() -> dict[str, list[str]]:
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / "schemaorg-current-https.ttl"
    return derive_class_hierarchy(str(path))


def test_shipped_class_hierarchy_is_the_vocabulary_s() -> None:
    """The JSON the build reads is exactly what the shipped schema.org vocabulary says."""
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / "schemaorg-class-hierarchy.json"
    assert json.loads(path.read_text(encoding="utf-8")) == _vocabulary_hierarchy()
    assert "Organization" in schema_superclasses()["GovernmentOrganization"]
    assert "Place" in schema_superclasses()["City"]
    assert "CreativeWork" in schema_superclasses()["Report"]


def test_materialise_adds_supertypes_labels_and_is_idempotent() -> None:
    graph = Graph()
    thing, day, session, person = (
        URIRef(BASE + f"id/{k}") for k in ("organization/x", "event/d", "event/s", "person/p")
    )
    graph.add((thing, RDF.type, SDO.GovernmentOrganization))
    graph.add((thing, SDO.name, Literal("X")))
    graph.add((session, SDO.superEvent, day))
    graph.add((session, SDO.performer, person))
    added = materialise(graph)
    assert (thing, RDF.type, SDO.Organization) in graph and (thing, RDF.type, SDO.Thing) in graph
    assert (thing, RDFS.label, Literal("X")) in graph
    assert (day, SDO.performer, person) in graph
    assert added > 0 and materialise(graph) == 0
