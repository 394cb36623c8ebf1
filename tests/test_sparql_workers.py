"""The engine pool: a dead engine is never handed out and a query whose engine died is sent once more,
engine faults are EngineFailure (not the query's fault), a query over the memory cap is QueryOutOfMemory,
start-up is checked and bounded, failed starts are retried until the pool is whole, a spare engine is
ready while the others are busy, and engines die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from digigov_lod.sparql import workers
from digigov_lod.sparql.embedded import GraphSource
from digigov_lod.sparql.engine import EngineFailure, QueryJob, QueryOutOfMemory, QueryTimeout
from digigov_lod.sparql.workers import WorkerPool

GRAPH = "http://example.org/graph/g"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _job(query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> QueryJob:
    return QueryJob(query, "SELECT", "csv", 100)


@pytest.fixture
def source(tmp_path: Path) -> GraphSource:
    path = tmp_path / "g.nt"
    path.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(60)))
    return GraphSource(path, GRAPH)


def _zombie(pid: int) -> bool:
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):  # reaped between opening and reading
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):  # reaped between opening and reading
        return False
    return "\nState:\tZ" not in state  # a zombie has ended; only its exit status is left


def _wait_until(condition, seconds: float = 60.0) -> bool:
    """Whether ``condition`` comes true within ``seconds``: generous, since starting an engine on a machine busy
    with other test processes can take many seconds, and a condition that holds returns at once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_dead_idle_engine_is_never_handed_out(source: GraphSource) -> None:
    pool = WorkerPool([source], size=1)
    try:
        assert pool.run(_job(), 10).body.splitlines()[1] == b"60"
        worker = pool._idle[0]
        os.kill(worker.process.pid, signal.SIGKILL)  # as an operator or the kernel would, unseen by the pool
        assert _wait_until(lambda: not _alive(worker.process.pid) or _zombie(worker.process.pid))
        assert pool.run(_job(), 30).body.splitlines()[1] == b"60"  # a replacement answers, not an error
        assert pool.live >= 1 and all(w.process.is_alive() for w in pool._idle)
    finally:
        pool.close()


def _die_unless(marker: str, job: QueryJob) -> QueryJob:
    """Unpickled in the engine: end that engine unless ``marker`` exists (and create it)."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        os._exit(3)
    return job


@dataclass(frozen=True)
class _DiesOnce:
    """A job that ends the first engine it reaches, as if that engine had died just before answering."""

    marker: str
    job: QueryJob

    def __reduce__(self):
        return (_die_unless, (self.marker, self.job))


def test_a_query_whose_engine_dies_is_sent_once_more(source: GraphSource, tmp_path: Path) -> None:
    pool = WorkerPool([source], size=2)
    try:
        pool.run(_job(), 10)
        marker = tmp_path / "died"
        answer = pool.run(_DiesOnce(str(marker), _job()), 30)  # type: ignore[arg-type]
        assert marker.exists() and answer.body.splitlines()[1] == b"60"
        assert _wait_until(lambda: pool.live == 2)
    finally:
        pool.close()


def test_a_query_that_kills_every_engine_is_an_engine_failure(source: GraphSource, tmp_path: Path) -> None:
    pool = WorkerPool([source], size=1)
    try:
        pool.run(_job(), 10)
        with pytest.raises(EngineFailure, match="stopped unexpectedly twice"):
            pool.run(_DiesOnce(str(tmp_path / "no" / "such" / "dir"), _job()), 30)  # type: ignore[arg-type]
        assert pool.run(_job(), 30).rows == 1
    finally:
        pool.close()


class _Greedy:
    """A job whose query text cannot be read without more memory (a MemoryError inside the engine)."""

    form, format_key, max_rows = "SELECT", "csv", 10
    default_graphs = named_graphs = prefixes = ()
    query_names_dataset = False

    @property
    def query(self) -> str:
        raise MemoryError


BIG_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g ?j"


def test_a_query_over_the_memory_cap_is_stopped_and_others_go_on(source: GraphSource) -> None:
    pool = WorkerPool([source], size=2, memory_mb=300)
    try:
        pool.run(_job(), 10)
        with pytest.raises(QueryOutOfMemory, match="more memory than this endpoint allows \\(300 MB\\)"):
            pool.run(_job(BIG_SORT), 60)  # the engine's Rust code aborts when an allocation fails
        with pytest.raises(QueryOutOfMemory, match="more memory"):
            pool.run(_Greedy(), 60)  # type: ignore[arg-type]
        assert pool.run(_job(), 30).body.splitlines()[1] == b"60"
        assert _wait_until(lambda: pool.live == 2)
    finally:
        pool.close()


def test_an_engine_that_cannot_load_says_why(tmp_path: Path) -> None:
    pool = WorkerPool([GraphSource(tmp_path / "missing.nt", GRAPH)], size=1)
    with pytest.raises(EngineFailure, match=r"could not load the release.*missing\.nt"):
        pool.run(_job(), 10)
    assert pool.live == 0
    pool.close()


def test_start_up_has_a_time_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "never.nt"
    os.mkfifo(fifo)  # reading it blocks until someone writes: the store never finishes loading
    pool = WorkerPool([GraphSource(fifo, GRAPH)], size=1, startup_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(EngineFailure, match="did not finish loading the release within 1 s"):
        pool.run(_job(), 10)
    assert time.monotonic() - started < 10
    pool.close()


def test_failed_replacements_are_retried_until_the_pool_is_whole_again(
    source: GraphSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "BACKOFF_FIRST_S", 0.2)
    monkeypatch.setattr(workers, "BACKOFF_MAX_S", 0.5)
    pool = WorkerPool([source], size=2)
    hidden = source.path.with_suffix(".hidden")
    try:
        pool.run(_job(), 10)
        source.path.rename(hidden)  # replacements will not find their data
        with pytest.raises(QueryTimeout):
            pool.run(_job(RUNAWAY), 0.5)
        for worker in list(pool._idle):
            os.kill(worker.process.pid, signal.SIGKILL)
        with pytest.raises(EngineFailure, match="could not load"):  # no engine left, and none can start
            pool.run(_job(), 10)
        assert pool.live == 0 and not pool._idle, "a dead worker must never stay in the pool"
        hidden.rename(source.path)
        assert _wait_until(lambda: pool.live == 2 and pool.idle == 2), "the pool did not come back to its size"
        assert pool.run(_job(), 30).body.splitlines()[1] == b"60"
    finally:
        if hidden.exists():
            hidden.rename(source.path)
        pool.close()


def test_engines_outlive_the_thread_that_started_them(source: GraphSource) -> None:
    """PR_SET_PDEATHSIG follows the thread that forked the child: a request thread must not be it."""
    pool = WorkerPool([source], size=1)
    try:
        thread = threading.Thread(target=pool.run, args=(_job(), 30))
        thread.start()
        thread.join()
        engines = [w.process.pid for w in pool._idle]
        time.sleep(0.5)
        assert engines and all(_alive(pid) for pid in engines)
        assert pool.run(_job(), 10).body.splitlines()[1] == b"60"
    finally:
        pool.close()


PARENT = """
import sys, threading, time
from dataclasses import dataclass
from pathlib import Path
from digigov_lod.sparql.workers import WorkerPool
from digigov_lod.sparql.embedded import GraphSource
from digigov_lod.sparql.engine import QueryJob
pool = WorkerPool([GraphSource(Path(sys.argv[1]), "http://example.org/graph/g")], size=1)
pool.run(QueryJob("ASK {}", "ASK", "json", 10), 30)
print(pool._idle[0].process.pid, flush=True)
threading.Thread(target=pool.run, args=(QueryJob(sys.argv[2], "SELECT", "csv", 10), 600), daemon=True).start()
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_a_busy_engine_dies_with_its_parent(source: GraphSource) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(source.path), RUNAWAY], stdout=subprocess.PIPE, text=True
    )
    engine = 0
    try:
        engine = int(parent.stdout.readline())  # type: ignore[union-attr]
        time.sleep(0.5)  # the engine is now busy with the runaway query, not waiting on its pipe
        assert _alive(engine)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _wait_until(lambda: not _alive(engine), 5), "the engine outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        if engine and _alive(engine):
            os.kill(engine, signal.SIGKILL)


def _run_out_of_time(pool: WorkerPool, seconds: float) -> None:
    with pytest.raises(QueryTimeout):
        pool.run(_job(RUNAWAY), seconds)


def test_a_simple_query_gets_an_extra_engine_while_the_kept_ones_are_busy(source: GraphSource) -> None:
    pool = WorkerPool([source], size=1, max_size=2)
    try:
        pool.run(_job(), 5)
        slow = threading.Thread(target=_run_out_of_time, args=(pool, 3), daemon=True)
        slow.start()
        time.sleep(0.3)  # the one kept engine is busy now
        started = time.monotonic()
        assert pool.run(_job(), 5).rows == 1
        assert time.monotonic() - started < 2, "waited for the busy engine instead of starting another"
        assert pool.live == 2
        slow.join(10)
        assert _wait_until(lambda: pool.live == 2), "the timed-out engine was not replaced"
    finally:
        pool.close()


def test_a_spare_engine_is_started_before_anyone_waits_for_it(source: GraphSource) -> None:
    pool = WorkerPool([source], size=1, max_size=3)
    try:
        pool.run(_job(), 5)
        # 8 s: the kept engine stays busy through both waits below, so the pool's count is not disturbed
        slow = threading.Thread(target=_run_out_of_time, args=(pool, 8), daemon=True)
        slow.start()
        assert _wait_until(lambda: pool.idle == 1, 3), "no spare engine was started while the kept one was busy"
        started = time.monotonic()
        assert pool.run(_job(), 5).rows == 1
        assert time.monotonic() - started < 1, "a simple query waited although a spare was ready"
        # a quick query gives its engine back before the keeper may notice it was taken: keep the spare busy
        # too (both runaways hold their engines for seconds), and a new spare must be started
        second = threading.Thread(target=_run_out_of_time, args=(pool, 5), daemon=True)
        second.start()
        assert _wait_until(lambda: pool.live == 3, 4), "the spare taken was not replaced by a new one"
        time.sleep(0.3)
        assert pool.live == 3, "one spare at a time, not more"
        second.join(10)
        slow.join(15)
    finally:
        pool.close()


def test_the_pool_grows_no_further_than_its_limit(source: GraphSource) -> None:
    pool = WorkerPool([source], size=1, max_size=1)
    try:
        pool.run(_job(), 5)
        slow = threading.Thread(target=_run_out_of_time, args=(pool, 2), daemon=True)
        slow.start()
        time.sleep(0.3)
        started = time.monotonic()
        pool.run(_job(), 5)  # waits for the only engine's replacement
        assert time.monotonic() - started > 1.0 and pool.live == 1
        slow.join(10)
    finally:
        pool.close()
