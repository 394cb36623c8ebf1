"""The production server (gunicorn) when its query engines die, run out of memory or are all busy.

Engines are found as the server's descendants named ``sparql-worker`` (their /proc comm). Every
query here is distinct: a repeated one would be answered from memory, never reaching an engine.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import LiveServer, start_server

from digigov_lod.release import Release

_counter = itertools.count()
#: Runs into any time limit, using CPU but little memory.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o } # %d"
#: Sorts a cross join: memory grows by hundreds of MB a second (908 MB in 5 s before engines were capped).
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def _simple() -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {next(_counter)}"


def _ask(server: LiveServer, query: str, timeout: float = 60) -> requests.Response:
    return requests.get(server.url + "sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=timeout)


def _engines(server: LiveServer) -> list[int]:
    """The server's live engine processes (a /proc walk from the gunicorn master down)."""
    children: dict[int, list[int]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        state, ppid = rest[0], int(rest[1])
        children[ppid].append(int(entry.name))
        names[int(entry.name)] = (name, state)
    found, todo = [], [server.process.pid]
    while todo:
        for child in children[todo.pop()]:
            todo.append(child)
            if names[child][0] == "sparql-worker" and names[child][1] != "Z":
                found.append(child)
    return sorted(found)


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def server(release: Release) -> Iterator[LiveServer]:
    started = start_server(release.path)
    yield started
    started.stop()


def _warm(server: LiveServer) -> list[int]:
    """Make the server start its engines (on the first query) and wait until its two are up."""
    assert _ask(server, _simple()).status_code == 200
    assert _wait_for(lambda: len(_engines(server)) == 2), f"engines: {_engines(server)}"
    return _engines(server)


@pytest.mark.parametrize("how_many", [1, 2])
def test_killed_idle_engines_cost_no_client_an_error(server: LiveServer, how_many: int) -> None:
    engines = _warm(server)
    for pid in engines[:how_many]:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    answers = [_ask(server, _simple()) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6, answers[0].text
    assert _wait_for(lambda: len(_engines(server)) == 2), "the pool did not come back to its size"
    assert not set(engines[:how_many]) & set(_engines(server))


def test_a_query_over_the_memory_cap_gets_a_clear_503(release: Release) -> None:
    server = start_server(release.path, DIGIGOV_ENGINE_MEMORY_MB="300", DIGIGOV_QUERY_TIMEOUT="30")
    try:
        _warm(server)
        started = time.monotonic()
        answer = _ask(server, GREEDY)
        assert answer.status_code == 503, answer.text
        assert time.monotonic() - started < 25, "stopped by the time limit, not by the memory cap"
        assert "more memory than this endpoint allows (300 MB)" in answer.text
        assert "Retry-After" not in answer.headers  # the same query would only fail again
        assert "Traceback" not in answer.text and "/" + "tmp" not in answer.text
        swedish = requests.get(
            server.url + "sparql",
            params={"query": GREEDY},
            headers={"Accept": "text/html", "Accept-Language": "sv"},
            timeout=60,
        )
        assert swedish.status_code == 503 and "mer minne än tjänsten tillåter" in swedish.text
        assert [_ask(server, _simple()).status_code for _ in range(4)] == [200] * 4  # the others answer
        assert _wait_for(lambda: len(_engines(server)) == 2), "the engine that hit the cap was not replaced"
    finally:
        server.stop()


def test_the_memory_cap_is_for_queries_beyond_the_loaded_release(release: Release) -> None:
    """A cap far below what the release takes to load (about 60 MB here; a million triples take a few
    hundred) still starts engines: it bounds what a query may add, not the publisher's data."""
    server = start_server(release.path, DIGIGOV_ENGINE_MEMORY_MB="16")
    try:
        assert [_ask(server, _simple()).status_code for _ in range(3)] == [200] * 3
        assert _ask(server, GREEDY).status_code == 503
    finally:
        server.stop()


def test_a_simple_query_does_not_wait_for_engines_to_start_while_runaways_run(release: Release) -> None:
    server = start_server(release.path, DIGIGOV_QUERY_TIMEOUT="4")
    try:
        _warm(server)
        runaways = [
            threading.Thread(target=_ask, args=(server, RUNAWAY % next(_counter)), daemon=True) for _ in range(4)
        ]
        for thread in runaways:
            thread.start()
            time.sleep(0.2)
        slowest = 0.0
        for _ in range(15):  # while the runaways hold four engines
            started = time.monotonic()
            assert _ask(server, _simple()).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.05)
        assert slowest < 1.0, f"a simple query waited {slowest:.2f} s behind the runaways"
        for thread in runaways:
            thread.join(30)
        assert _ask(server, _simple()).status_code == 200
    finally:
        server.stop()


def test_engines_run_in_their_own_network_namespace(server: LiveServer) -> None:
    """Forked by the fork server or not, each engine leaves the web process's network behind."""
    probe = subprocess.run(
        [sys.executable, "-c", "from digigov_lod.sparql.isolation import isolate_network as i; print(i())"],
        capture_output=True,
        text=True,
        check=True,
    )
    if probe.stdout.strip() != "True":
        pytest.skip("this machine allows no network namespaces (the guard alone holds)")
    engines = _warm(server)
    web = os.readlink(f"/proc/{server.process.pid}/ns/net")
    assert all(os.readlink(f"/proc/{pid}/ns/net") != web for pid in engines)
