"""Error messages follow the reader's language on pages; programs (JSON, text) always get English."""

from __future__ import annotations

import pytest
import requests
from support import LiveServer

PAGE = {"Accept": "text/html"}
UNKNOWN_PREFIX = "SELECT * WHERE { ?s foo:bar ?o }"  # refused by the engine, in its own process
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"  # refused by the guard

CASES = [
    ("nothing-here", {}, "Adressen finns inte", "does not exist on this site"),
    ("doc/person/nobody", {}, "Datamängden säger ingenting om", "The dataset says nothing about"),
    ("sparql", {"query": UNKNOWN_PREFIX}, "Okänt prefix &#39;foo:&#39; på rad 1",
     "Unknown prefix &#39;foo:&#39; at line 1"),
    ("sparql", {"query": SERVICE}, "SERVICE stöds inte", "SERVICE is not supported"),
    ("sparql", {"query": "SELECT * WHERE " + "{" * 200 + "}" * 200}, "parenteser i 200 nivåer", "200 levels deep"),
    ("sparql/examples/no-such-example", {}, "Det finns ingen exempelfråga", "There is no example query"),
    ("sparql", [("query", "ASK {}"), ("query", "ASK {}")], "En fråga per begäran", "Exactly one query"),
    ("sparql", {"update": "CLEAR ALL"}, "tjänsten är skrivskyddad", "this endpoint is read-only"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "params", "swedish", "english"), CASES, ids=[c[0] + str(len(c[1])) for c in CASES])
def test_pages_say_it_in_the_readers_language(
    live_server: LiveServer, path: str, params: dict, swedish: str, english: str
) -> None:
    sv = requests.get(live_server.url + path, params=params, headers={**PAGE, "Accept-Language": "sv"})
    en = requests.get(live_server.url + path, params=params, headers={**PAGE, "Accept-Language": "en"})
    assert sv.status_code == en.status_code and sv.status_code >= 400
    assert swedish in sv.text and english not in sv.text
    assert english in en.text and swedish not in en.text


def test_programs_get_english_whatever_the_language(live_server: LiveServer) -> None:
    answer = requests.get(
        live_server.url + "sparql",
        params={"query": UNKNOWN_PREFIX},
        headers={"Accept": "application/sparql-results+json", "Accept-Language": "sv"},
    )
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Unknown prefix 'foo:' at line 1")
