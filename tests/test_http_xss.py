"""Literals full of markup stay inert on every HTML page, over real HTTP and in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from html_safety import BASE, EVIL, EVIL_IRI, graph_with_evil_person, inline_scripts
from support import LiveServer, start_server

from digigov_lod.release import ReleaseWriter, content_version, now_utc

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def evil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A release (written directly, without the shapes) whose graph has a person named like markup."""
    graph = graph_with_evil_person()
    target = tmp_path_factory.mktemp("evil") / "dist"
    with ReleaseWriter(target) as writer:
        writer.add_dumps(graph)
        writer.publish(
            {"version": content_version(graph), "created": now_utc(), "base_iri": BASE, "triples": len(graph)}
        )
    server = start_server(target)
    yield server
    server.stop()


def _scripts(html: str) -> list[tuple[dict, str]]:
    return inline_scripts(html)


PAGES = [
    "doc/person/evil?lang=sv",
    "doc/person/evil?lang=en",
    "doc/event/digigov-2017?lang=en",
    "sparql?format=html&query=" + requests.utils.quote("SELECT ?n WHERE { ?p <https://schema.org/name> ?n }"),
    "embed/person/evil.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_literal_breaks_out_of_its_element(evil_server: LiveServer, path: str) -> None:
    response = requests.get(evil_server.url + path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    scripts = _scripts(response.text)
    assert all(attrs.get("type") == "application/ld+json" for attrs, _ in scripts), scripts
    assert len(scripts) <= 1
    for _, text in scripts:
        assert EVIL in json.dumps(json.loads(text), ensure_ascii=False) or "evil" not in path
    assert "<script>alert(1)" not in response.text


def test_a_real_browser_runs_no_injected_script(evil_server: LiveServer, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is installed by scripts/install-system-deps.sh"
    dom = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom",
         evil_server.url + "doc/person/evil?lang=en"],
        capture_output=True, text=True, timeout=90, check=True,
    ).stdout  # fmt: skip
    scripts = _scripts(dom)
    assert len(scripts) == 1 and scripts[0][0].get("type") == "application/ld+json"
    document = json.loads(scripts[0][1])
    assert document["@id"] == EVIL_IRI and document["name"] == EVIL
    assert "<h1>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in dom


def test_non_http_iris_are_never_links(live_server: LiveServer) -> None:
    query = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(document.domain)") AS ?x) }'
    page = requests.get(live_server.url + "sparql", params={"query": query, "format": "html"})
    assert page.status_code == 200
    assert "javascript:alert(document.domain)" in page.text
    assert 'href="javascript:' not in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
