"""What a new user stumbled on in the first hour (issue 14), each fixed and held here."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from support import PROJECT_ROOT, LiveServer, free_port

from digigov_lod.build import check_sources

DOC = "doc/event/digigov-2017"
BAD_QUERY = "SELECT * WHERE { ?s ?p }"


@pytest.mark.parametrize(
    ("parameter", "media_type"),
    [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
     ("rdf", "application/rdf+xml"), ("html", "text/html"), ("text/turtle", "text/turtle")],
)  # fmt: skip
def test_an_explicit_format_wins_on_documents(live_server: LiveServer, parameter: str, media_type: str) -> None:
    answer = requests.get(live_server.url + DOC, params={"format": parameter}, headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith(media_type)


def test_an_unknown_format_is_named_with_the_ones_offered(live_server: LiveServer) -> None:
    for path in (DOC, "sparql"):
        params = {"format": "xlsx"} | ({"query": "ASK {}"} if path == "sparql" else {})
        answer = requests.get(live_server.url + path, params=params, headers={"Accept": "text/plain"})
        assert answer.status_code == 406
        assert "'xlsx' is not offered here" in answer.text
        assert ("ttl" if path == DOC else "csv") in answer.text  # the short names it could have used


@pytest.mark.parametrize("suffix", ["json", "xml", "turtle"])
def test_a_suffix_the_document_lacks_gets_a_404_listing_the_ones_it_has(live_server: LiveServer, suffix: str) -> None:
    answer = requests.get(live_server.url + f"{DOC}.{suffix}", headers={"Accept": "text/plain"})
    assert answer.status_code == 404
    assert f"has no .{suffix} format" in answer.text
    for extension in ("ttl", "jsonld", "nt", "rdf", "html"):
        assert f"/{DOC}.{extension}" in answer.text


def test_a_syntax_error_is_reported_whatever_the_accept_header(live_server: LiveServer) -> None:
    answer = requests.get(live_server.url + "sparql", params={"query": BAD_QUERY}, headers={"Accept": "text/plain"})
    assert answer.status_code == 400 and "syntax error" in answer.text
    valid = requests.get(live_server.url + "sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert valid.status_code == 406


def test_swedish_syntax_errors_are_swedish_to_the_end(live_server: LiveServer) -> None:
    answer = requests.get(
        live_server.url + "sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o", "format": "html"},
        headers={"Accept-Language": "sv"},
    )
    assert answer.status_code == 400
    assert "slutet av frågan" in answer.text and "end of query" not in answer.text


def test_an_unknown_but_well_known_prefix_is_named_with_its_iri(live_server: LiveServer) -> None:
    query = "SELECT ?person WHERE { ?person owl:sameAs wd:Q5 }"
    answer = requests.get(live_server.url + "sparql", params={"query": query}, headers={"Accept": "text/plain"})
    assert answer.status_code == 400
    assert "PREFIX wd: <http://www.wikidata.org/entity/>" in answer.text


def test_the_build_says_where_its_warnings_are(project_settings) -> None:
    said: list[str] = []
    checked = check_sources(project_settings, progress=said.append)
    assert checked.outcome.warnings, "the data has warnings (claims whose speaker the report does not name)"
    counts = next(line for line in said if "warning(s)" in line)
    assert "digigov-lod validate" in counts and "validation-report.txt" in counts


def _answers(url: str) -> bool:
    """Whether ``url`` answers 200 now; a server still starting may accept and not yet answer."""
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_make_run_writes_a_pid_file_and_make_reload_signals_that_server(release, tmp_path: Path) -> None:
    """The reload recipe reaches this server's master, not the oldest gunicorn on the machine."""
    port, pidfile = free_port(), tmp_path / "server.pid"
    variables = [f"PORT={port}", f"PIDFILE={pidfile}", f"RELEASE={tmp_path / 'dist'}"]
    env = {**os.environ, "DIGIGOV_WEB_WORKERS": "1", "DIGIGOV_ACCESS_LOG": ""}
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", *variables],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300  # make run builds the release first: minutes on a busy machine
        while not (pidfile.exists() and _answers(f"http://127.0.0.1:{port}/")):
            assert server.poll() is None and time.monotonic() < deadline, "make run did not come up"
            time.sleep(0.3)
        master = int(pidfile.read_text())
        assert "gunicorn" in Path(f"/proc/{master}/cmdline").read_text(errors="replace")
        reload = subprocess.run(["make", "--no-print-directory", "reload", f"PIDFILE={pidfile}"], cwd=PROJECT_ROOT)
        assert reload.returncode == 0
        time.sleep(2)
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
        assert int(pidfile.read_text()) == master and server.poll() is None
    finally:
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGINT)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
