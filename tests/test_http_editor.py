"""The query editor and the results page, in real headless Chromium against the production server, and the
results page's HTTP side: download names, ASK in the reader's language, ``SELECT *`` in the query's order.

The browser session (tests/js/editor_session.mjs, puppeteer-core driving Debian's chromium) writes a query
with the keyboard, completes a prefix and a class, runs it with Ctrl+Enter, sorts, filters and pages the
table, sees a syntax error marked in the editor, and submits the form with JavaScript disabled.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import requests
from support import PROJECT_ROOT, LiveServer, run_node_json

from digigov_lod.sparql.results import in_query_order

SCRIPT = PROJECT_ROOT / "tests" / "js" / "editor_session.mjs"
BUNDLE = PROJECT_ROOT / "src" / "digigov_lod" / "web" / "static" / "editor.js"
#: The error page is a 400, which Chromium reports as a failed load; nothing else may appear.
EXPECTED_CONSOLE = "Failed to load resource: the server responded with a status of 400"


@pytest.fixture(scope="module")
def session(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    assert BUNDLE.is_file(), "the editor is bundled by `make test` (node scripts/build-editor.mjs)"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is installed by scripts/install-system-deps.sh"
    shots = tmp_path_factory.mktemp("editor-screenshots")
    seen = run_node_json(
        SCRIPT, {"url": live_server.url, "chromium": chromium, "screenshots": str(shots)}, package="puppeteer-core"
    )
    seen["screenshots"] = shots
    return seen


def test_the_browser_session_ran_to_its_end(session: dict) -> None:
    assert "failure" not in session, session.get("failure")


def test_completion_of_a_prefix_then_a_class_of_the_data(session: dict) -> None:
    assert session["textareaHidden"], "the editor replaces the textarea, which stays the form's field"
    assert "schema:" in session["prefixOptions"]
    assert "schema:Person" in session["classOptions"]
    assert session["typed"] == "SELECT * WHERE { ?person a schema:Person ; schema:name ?name }"
    assert {"SELECT", "WHERE", "?person", "schema:Person"} <= set(session["highlighted"])


def test_ctrl_enter_runs_the_query_and_shows_the_table_in_query_order(session: dict) -> None:
    assert "/sparql?query=SELECT" in session["resultUrl"]
    assert session["headers"] == ["?person", "?name"]
    assert len(session["rows"]) >= 10


def test_sorting_both_ways(session: dict) -> None:
    names = [row[1] for row in session["rows"]]
    assert session["sortedAscending"] == sorted(names, key=str.casefold)
    assert session["sortedDescending"] == sorted(names, key=str.casefold, reverse=True)
    assert session["ariaSort"] == "ascending"


def test_filter_and_pages(session: dict) -> None:
    assert session["filtered"] and all("Lena" in row[1] for row in session["filtered"])
    found = len(session["filtered"])
    assert session["filteredStatus"] == f"Rows 1–{found} of {found} (filtered from {len(session['rows'])})"
    assert session["firstPage"] == {"rows": 50, "status": "Rows 1–50 of 120"}
    assert session["smallPage"] == {"rows": 25, "status": "Rows 1–25 of 120"}
    assert session["nextPage"] == {"rows": 25, "status": "Rows 26–50 of 120"}
    assert session["nextPageDiffers"]


def test_a_syntax_error_is_marked_where_the_endpoint_says(session: dict) -> None:
    assert "line 3, column 11" in session["errorMessage"]
    assert session["errorMarked"] == {"text": ")", "line": 3}
    assert session["errorGutter"] == 1


def test_without_javascript_the_form_still_runs_the_query(session: dict) -> None:
    assert session["noScriptEditor"] == 0
    assert "query=ASK" in session["noScriptUrl"]
    assert session["noScriptAnswer"] == "Yes true"


def test_no_csp_violation_and_no_script_error(session: dict) -> None:
    unexpected = [line for line in session["console"] if EXPECTED_CONSOLE not in line]
    assert unexpected == []
    assert sorted(p.name for p in Path(session["screenshots"]).iterdir()) == [
        "editor-class-completion.png", "editor-error.png", "editor-prefix-completion.png",
        "results-paged.png", "results.png",
    ]  # fmt: skip


# --- the HTTP side ------------------------------------------------------------------------------------------------


def test_vocabulary_json_feeds_the_completion(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "vocabulary.json?lang=en", timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    document = answer.json()
    assert ["schema", "https://schema.org/"] in document["prefixes"]
    person = next(t for t in document["terms"] if t["iri"] == "https://schema.org/Person")
    assert person["kind"] == "class" and person["count"] > 5 and person["label"]
    assert "ETag" in answer.headers and "Accept-Language" in answer.headers["Vary"]


def test_the_editor_is_loaded_only_as_a_script_file(live_server: LiveServer) -> None:
    page = requests.get(live_server.url + "sparql", headers={"Accept": "text/html"}, timeout=30)
    assert '<script src="/static/editor.js" defer></script>' in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert requests.get(live_server.url + "static/editor.js", timeout=30).status_code == 200


def test_results_page_download_links_give_file_names(live_server: LiveServer) -> None:
    query = "SELECT ?s WHERE { ?s a schema:Person } LIMIT 2"
    page = requests.get(live_server.url + "sparql", params={"query": query, "format": "html"}, timeout=30)
    assert 'download="query-results.csv"' in page.text and "download=1" in page.text
    for key, name in (("csv", "query-results.csv"), ("json", "query-results.json"), ("tsv", "query-results.tsv")):
        saved = requests.get(
            live_server.url + "sparql", params={"query": query, "format": key, "download": "1"}, timeout=30
        )
        assert saved.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    plain = requests.get(live_server.url + "sparql", params={"query": query, "format": "csv"}, timeout=30)
    assert "Content-Disposition" not in plain.headers, "clients reading results get them as before"
    example = requests.get(
        live_server.url + "sparql/examples/02-closing-panel-moderator", params={"format": "csv", "download": "1"},
        timeout=30,
    )  # fmt: skip
    assert example.headers["Content-Disposition"] == 'attachment; filename="02-closing-panel-moderator.csv"'
    construct = "CONSTRUCT { ?s a schema:Person } WHERE { ?s a schema:Person } LIMIT 1"
    ttl = requests.get(
        live_server.url + "sparql", params={"query": construct, "format": "ttl", "download": "1"}, timeout=30
    )
    assert ttl.headers["Content-Disposition"] == 'attachment; filename="query-results.ttl"'


@pytest.mark.parametrize(("lang", "yes", "no"), [("sv", "Ja", "Nej"), ("en", "Yes", "No")])
def test_ask_is_answered_in_the_readers_language(live_server: LiveServer, lang: str, yes: str, no: str) -> None:
    asks = (("ASK { ?s a schema:Person }", yes, "true"), ("ASK { ?s a schema:Spaceship }", no, "false"))
    for query, word, value in asks:
        page = requests.get(
            live_server.url + "sparql", params={"query": query, "format": "html", "lang": lang}, timeout=30
        )
        assert f'<p class="boolean"><strong>{word}</strong> <code>{value}</code></p>' in page.text


def test_select_star_columns_come_in_the_querys_order(live_server: LiveServer) -> None:
    query = "SELECT * WHERE { ?zeta a schema:Person ; schema:name ?alpha . BIND(1 AS ?middle) } LIMIT 1"
    expected = ["zeta", "alpha", "middle"]
    for key in ("json", "csv", "xml", "tsv"):
        answer = requests.get(live_server.url + "sparql", params={"query": query, "format": key}, timeout=30)
        if key == "json":
            assert answer.json()["head"]["vars"] == expected
        elif key == "csv":
            assert next(csv.reader(io.StringIO(answer.text))) == expected
        elif key == "tsv":
            assert answer.text.splitlines()[0] == "\t".join(f"?{v}" for v in expected)
        else:
            assert answer.text.index('"zeta"') < answer.text.index('"alpha"') < answer.text.index('"middle"')


@pytest.mark.parametrize(
    ("query", "engine_order", "expected"),
    [
        ("SELECT * { ?b ?a ?c }", ["a", "b", "c"], ["b", "a", "c"]),
        ("SELECT DISTINCT * { ?b ?a ?c }", ["a", "b", "c"], ["b", "a", "c"]),
        ('# ?c first\nSELECT * { ?b ?a "?c" . ?x ?y ?c }', ["a", "b", "c", "x", "y"], ["b", "a", "x", "y", "c"]),
        ("SELECT ?c ?a { ?a ?b ?c }", ["c", "a"], ["c", "a"]),  # an explicit projection keeps its order
        ("PREFIX select: <http://x/> SELECT * { ?b select:p ?a }", ["a", "b"], ["b", "a"]),
        ("SELECT ?s { { SELECT * { ?o ?p ?s } } }", ["s"], ["s"]),
    ],
)
def test_in_query_order(query: str, engine_order: list[str], expected: list[str]) -> None:
    assert in_query_order(query, engine_order) == expected
