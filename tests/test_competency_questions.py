"""Competency questions: SPARQL files in src/digigov_lod/queries/competency/ and the answers the
report gives, asserted exactly. IRIs under the base are compared as "kind/slug"; every IRI column
has a name column beside it, so that JSON and CSV results are readable."""

import re

import pytest
from data_fixtures import BASE, COMPETENCY_DIR, data_graph
from rdflib import Literal

EXPECTED = {
    "01-ministers-speaking-day-2": {
        ("person/ardalan-shekarabi", "Ardalan Shekarabi"),
        ("person/helene-hellmark-knutsson", "Helene Hellmark Knutsson"),
        ("person/peter-eriksson", "Peter Eriksson"),
    },
    "02-closing-panel-moderator": {
        ("person/darja-isaksson", "Darja Isaksson"),
    },
    "03-ai-session-organisations": {
        ("organization/karolinska-institutet", "Karolinska Institutet"),
        ("organization/naii", "Nordic Artificial Intelligence Institute"),
        ("organization/unsw", "University of New South Wales"),
    },
    "04-closing-panel-recommendations": [
        ("1", "claim/recommendation-use-existing-assets", "Advice 1: use existing assets and technology, plus AI"),
        ("2", "claim/recommendation-individual-service", "Advice 2: give individuals the service they expect"),
        (
            "3",
            "claim/recommendation-flexibility-co-creation",
            "Advice 3: more flexibility, collaboration and co-creation",
        ),
    ],
    "05-sambruk-seat": {
        ("c/o Sandvikens kommun, Kommunledningskontoret, 811 80 Sandviken",),
    },
    "06-sessions-about-gdpr": {
        ("event/information-security", "Information security (last session of day 1)"),
    },
    "07-who-claimed-more-jobs": {
        ("organization/cisco", "Cisco"),
        ("organization/mckinsey", "McKinsey"),
    },
    "08-people-with-wikidata": {
        ("person/ardalan-shekarabi", "Ardalan Shekarabi", "http://www.wikidata.org/entity/Q4787806"),
        ("person/helene-hellmark-knutsson", "Helene Hellmark Knutsson", "http://www.wikidata.org/entity/Q4953463"),
        ("person/peter-eriksson", "Peter Eriksson", "http://www.wikidata.org/entity/Q470630"),
    },
    "09-sambruk-organisation-number": {
        ("802428-2785",),
    },
    "10-author-judgements": {
        (
            "claim/judgement-collaboration-idea",
            "Idea: possible collaboration between an innovation entrepreneur and Sambruk",
        ),
        (
            "claim/judgement-gdpr-mentioned-only-once",
            "Observation: GDPR's entry into application was mentioned only once",
        ),
        ("claim/judgement-information-security-important", "Judgement: information security is an important topic"),
        ("claim/judgement-most-interesting-talks", "Judgement: the selection of the most interesting talks"),
        ("claim/judgement-outlooks-valuable", "Judgement: the outlooks were interesting and valuable"),
        ("claim/judgement-shekarabi-self-critical", "Judgement: the minister was somewhat self-critical"),
        (
            "claim/judgement-talks-interesting-thought-provoking",
            "Judgement: interesting and sometimes thought-provoking talks",
        ),
        ("claim/judgement-walerud-disappointed", "Observation: Jane Walerud was visibly disappointed"),
        ("claim/judgement-walerud-frustration-recognised", "Judgement: Walerud's frustration is recognisable"),
        ("claim/summary-intense-inspiring-days", "Summary 1: two intense and inspiring days"),
        ("claim/summary-much-collaboration-discussion", "Summary 2: a great deal of discussion about collaboration"),
        ("claim/summary-outlooks-denmark-norway", "Summary 3: interesting outlooks on Denmark and Norway"),
    },
    "11-welfare-session-day": {
        (
            "event/securing-welfare",
            "Securing welfare in Sweden together",
            "event/digigov-2017-day-2",
            "DigiGov 2017, day 2",
            "2017-12-06",
        ),
        (
            "event/tomorrows-welfare",
            "How can more people take part in creating tomorrow's welfare?",
            "event/digigov-2017-day-2",
            "DigiGov 2017, day 2",
            "2017-12-06",
        ),
    },
    "12-untranscribed-outputs": {
        ("work/leaders-discussion-result", "Image: result of the discussion on what leaders need to do"),
        ("work/word-cloud-opportunities", "Word cloud: opportunities digitalisation leads to within five years"),
    },
    "13-when-and-where": {
        ("2017-12-05", "2017-12-06", "place/kista", "Kista"),
    },
    "14-organisers": {
        ("organization/regeringen", "The Government of Sweden"),
        ("organization/skl", "SKL"),
    },
    "15-day-1-programme": [
        ("1", "event/open-council", "The Government's Open Council"),
        ("2", "event/pace-of-digitalisation", "Why and how should we speed up Sweden's digitalisation journey?"),
        (
            "3",
            "event/ai-session",
            "Better decisions and more efficient operations through automation and artificial intelligence",
        ),
        ("4", "event/information-security", "Information security (last session of day 1)"),
    ],
    "16-civil-minister-claims": {
        ("claim/sweden-has-fallen-behind", "Sweden has fallen behind internationally in digitalisation"),
        (
            "claim/sweden-will-catch-up-new-agency",
            "Sweden will catch up, among other things through a new digitalisation agency in Sundsvall",
        ),
    },
    "17-new-agency-location": {
        ("organization/digg", "The digitalisation agency", "place/sundsvall", "Sundsvall"),
    },
    "18-skl-representatives": {
        ("person/jenny-birkestad", "Jenny Birkestad"),
        ("person/lena-micko", "Lena Micko"),
    },
    "19-workshop-questions": [
        ("1", "question/opportunities-within-five-years", "Vilka möjligheter leder digitaliseringen till inom fem år?"),
        ("2", "question/what-leaders-need-to-do", "Vad behöver ledare göra för att förverkliga dessa möjligheter?"),
    ],
    "20-open-council-size": {
        ("4", "10"),
    },
    "21-official-titles": {
        ("person/jenny-birkestad", "Jenny Birkestad", "direktör för digitalisering"),
        ("person/peter-eriksson", "Peter Eriksson", "bostads- och digitaliseringsminister"),
    },
    "22-who-disputed-walerud": {
        ("person/daniel-forslund", "Daniel Forslund"),
    },
    "23-sambruk-workshops": {
        ("event/open-council-governance-track", "Better governance of the digitalisation of Sweden's public sector"),
        (
            "event/societal-challenges-education-group",
            "Education, research and skills – the foundation for greater digital competence",
        ),
    },
    "24-claims-without-named-author": {
        ("claim/denmark-far-ahead", "Denmark is far ahead"),
        ("claim/iso-27001-head-start-on-gdpr", "ISO/IEC 27001 work gives a head start on GDPR"),
        ("claim/norway-oecd-lessons", "Sweden can learn from the OECD's advice to Norway"),
        ("claim/recommendation-flexibility-co-creation", "Advice 3: more flexibility, collaboration and co-creation"),
        ("claim/recommendation-individual-service", "Advice 2: give individuals the service they expect"),
        ("claim/recommendation-use-existing-assets", "Advice 1: use existing assets and technology, plus AI"),
    },
    "25-sambruk-contact": {
        ("claes-olof.olsson@sambruk.se", "0703-14 11 92"),
    },
    "26-report-author-publisher": {
        ("person/claes-olof-olsson", "Claes-Olof Olsson", "organization/sambruk", "The Sambruk association"),
    },
    "27-outlook-countries": {
        ("place/denmark", "Denmark"),
        ("place/norway", "Norway"),
    },
    "28-worked-for-skl-december-2017": {
        ("person/jenny-birkestad", "Jenny Birkestad"),
    },
    # schema.org view: derived conference performers, DefinedTerm topics
    "29-conference-performers": {
        ("organization/cisco", "Cisco"),
        ("organization/mckinsey", "McKinsey"),
        ("organization/oecd", "OECD"),
        ("organization/speakers-from-denmark", "The speakers from Denmark"),
        ("organization/speakers-from-norway", "The speakers from Norway"),
        ("person/agneta-karlsson", "Agneta Karlsson"),
        ("person/ardalan-shekarabi", "Ardalan Shekarabi"),
        ("person/christian-guttmann", "Christian Guttmann"),
        ("person/daniel-forslund", "Daniel Forslund"),
        ("person/darja-isaksson", "Darja Isaksson"),
        ("person/helene-hellmark-knutsson", "Helene Hellmark Knutsson"),
        ("person/jane-walerud", "Jane Walerud"),
        ("person/jenny-birkestad", "Jenny Birkestad"),
        ("person/lena-micko", "Lena Micko"),
        ("person/peter-eriksson", "Peter Eriksson"),
    },
    "30-information-security-terms": {
        ("topic/gdpr", "General Data Protection Regulation (GDPR)"),
        ("topic/information-security", "information security"),
        ("topic/iso-iec-27001", "ISO/IEC 27001"),
    },
}


QUERY_FILES = sorted(COMPETENCY_DIR.glob("*.rq"))


def short(value):
    text = str(value)
    return text[len(BASE + "id/") :] if text.startswith(BASE + "id/") else text


def test_at_least_22_questions_each_with_an_expectation():
    assert len(QUERY_FILES) >= 22
    assert {p.stem for p in QUERY_FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_has_header(path):
    head = path.read_text(encoding="utf-8").splitlines()[:4]
    assert re.match(r"# title: \S", head[0])
    assert re.match(r"# title_sv: \S", head[1])
    assert re.match(r"# description: \S", head[2])
    assert re.match(r"# description_sv: \S", head[3]), "a Swedish description follows the English one"
    assert head[3] != "# description_sv: " + head[2][len("# description: ") :], "description_sv is a copy"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_competency_question(path):
    result = data_graph().query(path.read_text(encoding="utf-8"))
    rows = [tuple(short(v) for v in row) for row in result]
    expected = EXPECTED[path.stem]
    if isinstance(expected, list):  # ordered answer
        assert rows == expected
    else:
        assert len(rows) == len(set(rows)), "duplicate rows"
        assert set(rows) == expected


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_iri_column_has_a_name_beside_it(path):
    result = data_graph().query(path.read_text(encoding="utf-8"))
    columns = [str(v) for v in result.vars]
    rows = list(result)
    assert rows
    for index, column in enumerate(columns):
        if all(str(row[index]).startswith(BASE + "id/") for row in rows):
            assert index + 1 < len(columns), f"?{column} is an IRI column without a name column after it"
            assert all(isinstance(row[index + 1], Literal) for row in rows), f"?{columns[index + 1]} is not a name"
