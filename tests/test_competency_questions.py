"""Competency questions: SPARQL files in src/digigov_lod/queries/competency/ and the answers the
report gives, asserted exactly. IRIs under the base are compared as "kind/slug"."""

import re

import pytest
from data_fixtures import BASE, COMPETENCY_DIR, data_graph

EXPECTED = {
    "01-ministers-speaking-day-2": {
        ("person/ardalan-shekarabi",),
        ("person/peter-eriksson",),
        ("person/helene-hellmark-knutsson",),
    },
    "02-closing-panel-moderator": {("person/darja-isaksson",)},
    "03-ai-session-organisations": {
        ("organization/naii",),
        ("organization/unsw",),
        ("organization/karolinska-institutet",),
    },
    "04-closing-panel-recommendations": [
        ("1", "Advice 1: use existing assets and technology, plus AI"),
        ("2", "Advice 2: give individuals the service they expect"),
        ("3", "Advice 3: more flexibility, collaboration and co-creation"),
    ],
    "05-sambruk-seat": {("c/o Sandvikens kommun, Kommunledningskontoret, 811 80 Sandviken",)},
    "06-sessions-about-gdpr": {("event/information-security",)},
    "07-who-claimed-more-jobs": {("organization/mckinsey",), ("organization/cisco",)},
    "08-people-with-wikidata": {
        ("person/ardalan-shekarabi", "http://www.wikidata.org/entity/Q4787806"),
        ("person/peter-eriksson", "http://www.wikidata.org/entity/Q470630"),
        ("person/helene-hellmark-knutsson", "http://www.wikidata.org/entity/Q4953463"),
    },
    "09-sambruk-organisation-number": {("802428-2785",)},
    "10-author-judgements": {
        (f"claim/{slug}",)
        for slug in (
            "summary-intense-inspiring-days",
            "summary-much-collaboration-discussion",
            "summary-outlooks-denmark-norway",
            "judgement-talks-interesting-thought-provoking",
            "judgement-most-interesting-talks",
            "judgement-information-security-important",
            "judgement-gdpr-mentioned-only-once",
            "judgement-walerud-disappointed",
            "judgement-walerud-frustration-recognised",
            "judgement-collaboration-idea",
            "judgement-shekarabi-self-critical",
            "judgement-outlooks-valuable",
        )
    },
    "11-welfare-session-day": {
        ("event/tomorrows-welfare", "event/digigov-2017-day-2", "2017-12-06"),
        ("event/securing-welfare", "event/digigov-2017-day-2", "2017-12-06"),
    },
    "12-untranscribed-outputs": {("work/word-cloud-opportunities",), ("work/leaders-discussion-result",)},
    "13-when-and-where": {("2017-12-05", "2017-12-06", "Kista")},
    "14-organisers": {("organization/regeringen",), ("organization/skl",)},
    "15-day-1-programme": {
        ("event/open-council",),
        ("event/pace-of-digitalisation",),
        ("event/ai-session",),
        ("event/information-security",),
    },
    "16-civil-minister-claims": {("claim/sweden-has-fallen-behind",), ("claim/sweden-will-catch-up-new-agency",)},
    "17-new-agency-location": {("organization/digg", "Sundsvall")},
    "18-skl-representatives": {("person/jenny-birkestad",), ("person/lena-micko",)},
    "19-workshop-questions": [
        ("1", "Vilka möjligheter leder digitaliseringen till inom fem år?"),
        ("2", "Vad behöver ledare göra för att förverkliga dessa möjligheter?"),
    ],
    "20-open-council-size": {("4", "10")},
    "21-official-titles": {
        ("person/jenny-birkestad", "direktör för digitalisering"),
        ("person/peter-eriksson", "bostads- och digitaliseringsminister"),
    },
    "22-who-disputed-walerud": {("person/daniel-forslund",)},
    "23-sambruk-workshops": {("event/open-council-governance-track",), ("event/societal-challenges-education-group",)},
    "24-claims-without-named-author": {
        ("claim/iso-27001-head-start-on-gdpr",),
        ("claim/denmark-far-ahead",),
        ("claim/norway-oecd-lessons",),
        ("claim/recommendation-use-existing-assets",),
        ("claim/recommendation-individual-service",),
        ("claim/recommendation-flexibility-co-creation",),
    },
    "25-sambruk-contact": {("claes-olof.olsson@sambruk.se", "0703-14 11 92")},
    "26-report-author-publisher": {("person/claes-olof-olsson", "organization/sambruk")},
    "27-outlook-countries": {("place/denmark",), ("place/norway",)},
    # schema.org view: Role pattern, derived conference performers, DefinedTerm topics
    "28-worked-for-skl-december-2017": {("person/jenny-birkestad",)},
    "29-conference-performers": {
        *(
            (f"person/{slug}",)
            for slug in (
                "christian-guttmann",
                "jenny-birkestad",
                "jane-walerud",
                "daniel-forslund",
                "ardalan-shekarabi",
                "lena-micko",
                "peter-eriksson",
                "helene-hellmark-knutsson",
                "agneta-karlsson",
                "darja-isaksson",
            )
        ),
        ("organization/mckinsey",),
        ("organization/cisco",),
        ("organization/oecd",),
    },
    "30-information-security-terms": {
        ("topic/information-security", "information security"),
        ("topic/gdpr", "General Data Protection Regulation (GDPR)"),
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
