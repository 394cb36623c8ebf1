"""Every page type in real headless Chromium, in Swedish and English at 1280 and 320 px: axe-core's WCAG 2.1
A/AA rules, no sideways scrolling, a screenshot of each, and a keyboard-only path through the site.

One browser visits all pages (tests/js/a11y_pages.mjs, puppeteer-core driving Debian's chromium, with
axe-core from npm) against the production server; the screenshots go to a pytest temporary folder
(its path is in ``session["screenshots"]``).
"""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from support import PROJECT_ROOT, LiveServer, run_node_json

SCRIPT = PROJECT_ROOT / "tests" / "js" / "a11y_pages.mjs"
#: Every page type four times in Chromium with axe-core: minutes of browser. The fast loop keeps the query
#: editor's browser session (test_http_editor.py) and the markup-injection checks (test_http_xss.py).
pytestmark = pytest.mark.slow
RESULTS_QUERY = "SELECT ?s ?name WHERE { ?s <https://schema.org/name> ?name } LIMIT 30"
PAGES = {
    "landing": "/",
    "programme": "/programme",
    "browse": "/browse/",
    "people": "/browse/people",
    "organisations": "/browse/organisations",
    "topics": "/browse/topics",
    "claims": "/browse/claims",
    "places": "/browse/places",
    "person": "/doc/person/christian-guttmann",
    "organisation": "/doc/organization/sambruk",
    "conference": "/doc/event/digigov-2017",
    "query": "/sparql",
    "results": "/sparql?query=" + quote(RESULTS_QUERY),
    "examples": "/sparql/examples",
    "catalog": "/catalog",
    "void": "/.well-known/void",
    "vocabulary": "/vocabulary",
    "downloads": "/download/",
    "about": "/about",
    "accessibility": "/accessibility",
    "error": "/doc/person/Lena-Micko",
}
#: Known and reported, not ours to fix here: the query editor's own scroller (inside its shadow root) at
#: 320 px, which axe reads as a scrollable region without focusable content although its content is the
#: focusable editing surface. Listed exactly, so that any other violation fails.
KNOWN: set[tuple[str, int, str, str]] = set()  # findings accepted for now: none


@pytest.fixture(scope="module")
def session(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is installed by scripts/install-system-deps.sh")
    if not (PROJECT_ROOT / "node_modules" / "axe-core").is_dir():
        pytest.skip("axe-core is installed by `make test` (npm ci)")
    shots = tmp_path_factory.mktemp("page-screenshots")
    payload = {"url": live_server.url, "chromium": chromium, "screenshots": str(shots), "paths": PAGES}
    seen = run_node_json(SCRIPT, payload, package="puppeteer-core")
    seen["screenshots"] = shots
    return seen


def test_the_browser_visited_every_page(session: dict) -> None:
    assert "failure" not in session, session.get("failure")
    assert len(session["pages"]) == len(PAGES) * 4
    assert not session["console"], session["console"]


def test_no_axe_violations_of_wcag_21_a_and_aa(session: dict) -> None:
    found = [
        (p["name"], p["lang"], p["width"], v["id"], v["nodes"])
        for p in session["pages"]
        for v in p["axe"]
        if not all((p["name"], p["width"], v["id"], node.split(" ::")[0]) in KNOWN for node in v["nodes"])
    ]
    assert found == []


def test_no_page_is_wider_than_the_viewport(session: dict) -> None:
    wide = [
        (p["name"], p["lang"], p["width"], p["scrollWidth"]) for p in session["pages"] if p["scrollWidth"] > p["width"]
    ]
    assert wide == []


def test_pages_are_in_the_asked_language_with_titles(session: dict) -> None:
    for p in session["pages"]:
        assert p["htmlLang"] == p["lang"], p
        assert p["title"].endswith("DigiGov 2017 LOD"), p
    error = next(p for p in session["pages"] if p["name"] == "error")
    assert error["status"] == 404 and error["title"].startswith(("Fel: 404", "Error: 404")), error


def test_screenshots_of_every_page_type_at_both_widths(session: dict) -> None:
    for name in PAGES:
        for width in (1280, 320):
            assert (session["screenshots"] / f"{name}-en-{width}.png").stat().st_size > 1000


def test_a_keyboard_only_path(session: dict) -> None:
    """Skip link first, visible focus; switch language, reach the query page, write a query, run it with
    Ctrl+Enter, open a result: all with keyboard events, and the chosen language holds throughout."""
    path = session["keyboard"]
    assert path["firstTab"]["href"] == "#main" and path["skipVisible"] and path["focusOutline"] != "none"
    assert path["afterSwitch"] == path["queryPageLang"] == path["resultsLang"] == path["openedLang"] == "en"
    assert "query=SELECT" in path["resultsUrl"] and path["resultRows"] == 3
    assert "/doc/person/" in path["openedUrl"]
