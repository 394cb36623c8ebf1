"""A pool of engine processes, so that a query over its time or memory limit can really be stopped.

Each worker process holds its own copy of the store. The web process sends a job down a pipe
and waits at most the time limit; a worker that has not answered by then is killed and
replaced (in the background), while the other workers go on serving. Once a worker has loaded
the release its address space is capped (``RLIMIT_AS``) at what it holds plus the engine memory
setting: a query that needs more memory ends its own worker, not the machine.

Engine processes are started from one long-lived keeper thread and ask Linux to kill them
when their parent goes (``PR_SET_PDEATHSIG``): that signal follows the *thread* that started the
child, so starting them from a short-lived request thread would kill them when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..messages import Message, message_of
from .embedded import GraphSource, execute, load_store
from .engine import EngineFailure, PoolBusy, QueryAnswer, QueryError, QueryJob, QueryOutOfMemory, QueryTimeout
from .isolation import isolate_network

# Never fork the threaded web process itself: engines are forked by multiprocessing's fork server, a
# single-threaded process that has imported the engine once, so a start costs a fork and the load of
# the release (tens of ms) rather than a new interpreter and its imports (about 0.2 s of CPU).
_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pyoxigraph", __name__])
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PR_SET_NAME = 15
PROCESS_NAME = b"sparql-worker"  # what ps, top and /proc/PID/comm show for an engine process
STARTUP_TIMEOUT_S = 60.0  # loading the release into a new engine process must not take longer
EXTRA_FACTOR = 3  # engines a pool may hold when busy, as a multiple of its kept size
EXTRA_AFTER_S = 0.05  # how long a query waits for a busy engine before it asks for one more
SPARE_ENGINES = 1  # idle engines kept ready (while the pool may grow), so a query never waits for a start
ENGINE_MEMORY_MB = 1024  # default memory one engine's queries may take beyond the loaded release
SLOW_AFTER_S = 0.5  # a query still running after this runs at a lower CPU priority (SLOW_NICENESS)
SLOW_NICENESS = 10  # so that short queries and engine starts go first on a machine busy with long ones
BACKOFF_FIRST_S = 0.5  # after a failed start, wait this long before the next, doubling up to BACKOFF_MAX_S
BACKOFF_MAX_S = 30.0
_STARTUP_POLL_S = 0.25

log = logging.getLogger(__name__)


class _EngineDied(Exception):
    """The engine process ended while it held a query (internal: run() retries or classifies it)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


def _prctl(option: int, argument: object) -> bool:
    """Call prctl(2) (Linux only); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, argument, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _drop_fork_server_link() -> None:
    """Close this process's copy of the fork server's lifeline.

    multiprocessing hands each forked child the write end of the pipe whose EOF tells the fork
    server that the web process has gone (so that the child could start processes of its own). An
    engine holding it would keep the fork server, and so itself, alive after the web process died."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if server is not None and fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only; ignored elsewhere).

    The parent is the fork server, which exits when the web process does."""
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # without it, the pipe's EOF still ends an idle worker
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _address_space_bytes() -> int:
    """This process's address space now (VmSize), 0 where /proc does not say."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:")), 0)


def _cap_memory(memory_mb: int | None) -> None:
    """Let queries take at most ``memory_mb`` beyond what this process holds now (the loaded release),
    so that an allocation beyond it fails instead of swapping. Set after loading: a release of a million
    triples needs more than the cap itself, and it is the publisher's data, not a reader's query."""
    held = _address_space_bytes()
    if not memory_mb or memory_mb <= 0 or not held:  # without /proc the release's size is unknown: no cap
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = held + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(connection: Connection, sources: list[GraphSource], memory_mb: int | None) -> None:
    """Worker main loop: answer jobs until the pipe closes.

    An allocation that fails in the engine's Rust code aborts the process (SIGABRT), one in Python
    raises MemoryError: either way this process ends and the pool tells the client why."""
    isolate_network()  # first, while single-threaded; where it is not possible the guard alone holds
    _drop_fork_server_link()
    _die_with_parent()
    _prctl(_PR_SET_NAME, PROCESS_NAME)
    try:
        dataset = load_store(sources)
    except Exception as exc:  # tell the parent why, instead of leaving it waiting
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    _cap_memory(memory_mb)
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            connection.send(("ok", execute(dataset, job)))
        except QueryError as exc:
            connection.send(("error", message_of(exc)))
        except MemoryError:
            connection.send(("memory", None))
            return  # a process that ran out of memory is not trusted with the next query
        except Exception as exc:  # report, never die silently
            connection.send(("failure", f"{type(exc).__name__}: {exc}"))


@dataclass(eq=False)
class _Worker:
    process: mp.process.BaseProcess
    connection: Connection
    demoted: bool = False  # running at SLOW_NICENESS

    def demote(self) -> None:
        """Lower the engine's CPU priority (it is running a long query)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, SLOW_NICENESS)
            self.demoted = True
        except (OSError, AttributeError):  # gone already, or no setpriority here
            pass

    def restore(self) -> bool:
        """Give the engine its normal CPU priority back; False where that is not allowed (no CAP_SYS_NICE)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, os.getpriority(os.PRIO_PROCESS, 0))
        except OSError:
            return False
        self.demoted = False
        return True

    @classmethod
    def launch(cls, sources: list[GraphSource], memory_mb: int | None) -> _Worker:
        """Start the process (call this from the keeper thread); it is not ready yet."""
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child, sources, memory_mb), daemon=True, name="sparql-worker")
        process.start()
        child.close()
        return cls(process, parent)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the store is loaded; raise EngineFailure (and stop the process) if it is not."""
        deadline = time.monotonic() + timeout
        try:
            while not self.connection.poll(_STARTUP_POLL_S):
                if not self.process.is_alive():
                    raise EngineFailure(
                        f"the query engine exited while loading the release (exit code {self.process.exitcode})"
                    )
                if time.monotonic() > deadline:
                    raise EngineFailure(f"the query engine did not finish loading the release within {timeout:g} s")
            status, detail = self.connection.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise EngineFailure(
                f"the query engine exited while loading the release (exit code {self.process.exitcode})"
            ) from exc
        except EngineFailure:
            self.stop()
            raise
        if status != "ready":
            self.stop()
            raise EngineFailure("the query engine could not load the release", str(detail))

    def usable(self) -> bool:
        """Whether this idle worker can take a job: alive, and nothing (not even EOF) waiting on its pipe."""
        try:
            return self.process.is_alive() and not self.connection.poll()
        except (OSError, ValueError):  # a closed pipe
            return False

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        Message(
            f"the query was stopped after {timeout:g} s, the time limit of this endpoint",
            f"frågan stoppades efter {timeout:g} s, tjänstens tidsgräns",
        )
    )


async def _readable(loop: asyncio.AbstractEventLoop, connection: Connection, timeout: float) -> bool:
    """Whether ``connection`` has something to read (an answer, or EOF) within ``timeout`` seconds,
    waited for by the event loop itself."""
    ready: asyncio.Future[bool] = loop.create_future()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    fd = connection.fileno()
    loop.add_reader(fd, settle, True)
    timer = loop.call_later(timeout, settle, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)


class WorkerPool:
    """A number of engine processes; :meth:`run` answers one job with a deadline.

    ``size`` engines start with the first query. A keeper thread holds the pool at that size and
    keeps ``spare`` more started and idle as long as the pool may grow (up to ``max_size``): when
    queries that run into the time limit hold the other engines, a simple query takes the spare at
    once instead of waiting for a start (about 0.2 s of CPU, seconds on a machine busy with long
    queries). Engines started for a busy moment stay for the next one. A query still running after
    ``SLOW_AFTER_S`` runs at a lower CPU priority, so that short queries and starts go first.

    The pool never hands out a dead engine: one is checked for life as it is taken, and a query
    whose engine ended before answering is sent once more to another engine. An engine that timed
    out, crashed or ran out of memory is killed and the keeper starts a replacement; a start that
    fails is tried again after a growing pause (``BACKOFF_FIRST_S`` to ``BACKOFF_MAX_S``), so the
    pool comes back to its size once engines can start again. While the pool has no engine at all,
    a query asks for a start at once and reports an EngineFailure if that fails.
    """

    def __init__(
        self,
        sources: list[GraphSource],
        size: int = 2,
        startup_timeout: float = STARTUP_TIMEOUT_S,
        max_size: int | None = None,
        memory_mb: int | None = ENGINE_MEMORY_MB,
        spare: int = SPARE_ENGINES,
    ) -> None:
        self.sources = sources
        self.size = size
        self.max_size = max(size, max_size if max_size is not None else size * EXTRA_FACTOR)
        self.startup_timeout = startup_timeout
        self.memory_mb = memory_mb
        self.spare = spare
        self._changed = threading.Condition()  # guards everything below; notified on every change
        self._idle: deque[_Worker] = deque()
        self._busy = 0  # engines running a query
        self._starting = 0  # engines launched and still loading the release
        self._waiting = 0  # queries that found no idle engine within EXTRA_AFTER_S
        self._takers = 0  # threads waiting in _take for an engine (woken when one is given back)
        self._owed = 0  # replacements for retired engines, started even beyond what is wanted
        self._failures = 0  # starts that failed, ever
        self._last_failure: EngineFailure | None = None
        self._backoff_s = 0.0
        self._next_start = 0.0  # no start before this (monotonic) time: the pause after a failure
        self._started = False
        self._closed = False
        self._keeper: threading.Thread | None = None

    @property
    def live(self) -> int:
        """Engines that are idle, busy or starting."""
        with self._changed:
            return self._live()

    @property
    def idle(self) -> int:
        with self._changed:
            return len(self._idle)

    def _live(self) -> int:
        return len(self._idle) + self._busy + self._starting

    def _wanted(self) -> int:
        if not self._started or self._closed:
            return 0
        return max(self.size, min(self.max_size, self._busy + self._waiting + self.spare))

    # --- the keeper: starts engines in the background -------------------------------------------

    def _keep(self) -> None:
        """Start engines whenever fewer are live than wanted (the only thread that launches them)."""
        while True:
            with self._changed:
                while True:
                    if self._closed:
                        return
                    now = time.monotonic()
                    short = self._live() < self._wanted() or (self._owed and self._live() < self.max_size)
                    probing = self._failures and self._last_failure and self._starting  # one try at a time
                    if short and not probing and now >= self._next_start:
                        break
                    self._changed.wait(self._next_start - now if short and now < self._next_start else None)
                self._starting += 1
                self._owed = max(0, self._owed - 1)
            try:
                worker = _Worker.launch(self.sources, self.memory_mb)
            except Exception as exc:  # fork failed (no memory, too many processes …)
                self._start_failed(EngineFailure("the query engine could not be started", str(exc)))
                continue
            threading.Thread(target=self._await_ready, args=(worker,), name="sparql-start", daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            worker.wait_ready(self.startup_timeout)
        except EngineFailure as exc:
            self._start_failed(exc)
            return
        with self._changed:
            self._starting -= 1
            if not self._closed:
                self._idle.append(worker)
                self._last_failure, self._backoff_s, self._next_start = None, 0.0, 0.0
                self._changed.notify_all()
                return
        worker.stop()

    def _start_failed(self, reason: EngineFailure) -> None:
        memory = f" (engines may take {self.memory_mb} MB each beyond the release)" if self.memory_mb else ""
        with self._changed:
            self._starting -= 1
            self._failures += 1
            self._last_failure = reason
            self._backoff_s = min(BACKOFF_MAX_S, self._backoff_s * 2 or BACKOFF_FIRST_S)
            self._next_start = time.monotonic() + self._backoff_s
            live, backoff = self._live(), self._backoff_s
            self._changed.notify_all()
        log.error("%s%s; %d engines live, trying again in %g s", reason, memory, live, backoff)

    def _ensure_started(self) -> None:
        with self._changed:
            if self._closed:
                raise EngineFailure("the query engine has been shut down")
            if not self._started:
                self._started = True
                self._keeper = threading.Thread(target=self._keep, name="sparql-keeper", daemon=True)
                self._keeper.start()

    # --- taking and giving back engines --------------------------------------------------------

    def _take(self, timeout: float) -> _Worker:
        """A live idle engine; waits up to ``timeout`` while the others are busy (PoolBusy after that).

        While the pool is only starting (no engine busy), it waits for the start to end either way.
        """
        entered = time.monotonic()
        ask_more_at, give_up_at = entered + EXTRA_AFTER_S, entered + timeout
        counted = False
        with self._changed:
            failures = self._failures
            try:
                while True:
                    if self._closed:
                        raise EngineFailure("the query engine has been shut down")
                    worker = self._pop_idle()
                    if worker is not None:
                        return worker
                    now = time.monotonic()
                    if self._live() == 0:
                        if self._failures != failures:  # a start failed while this query waited
                            last = self._last_failure or EngineFailure("the query engine could not be started")
                            raise EngineFailure(last.summary, last.detail)  # afresh: not one traceback grown
                        self._next_start = 0.0  # no engine at all: do not wait out a pause
                        self._changed.notify_all()
                    if not counted and now >= ask_more_at:
                        counted = True
                        self._waiting += 1
                        self._changed.notify_all()
                    if now >= give_up_at and self._busy:
                        raise PoolBusy(
                            Message(
                                "all query workers are busy; try again shortly",
                                "alla frågemotorer är upptagna; försök igen om en stund",
                            )
                        )
                    wake = ask_more_at if not counted else max(give_up_at, now + _STARTUP_POLL_S)
                    self._takers += 1
                    try:
                        self._changed.wait(max(0.001, wake - now))
                    finally:
                        self._takers -= 1
            finally:
                if counted:
                    self._waiting -= 1

    def _pop_idle(self) -> _Worker | None:
        """(Under the lock.) A live idle engine, counted busy; None if there is none. Dead ones are replaced."""
        while self._idle:
            worker = self._idle.popleft()
            if worker.usable():
                self._busy += 1
                if len(self._idle) < self.spare:  # the keeper may start a spare now (else it need not wake)
                    self._changed.notify_all()
                return worker
            log.warning("a query engine had died while idle (exit code %s)", worker.process.exitcode)
            self._owed += 1
            self._changed.release()  # stopping takes a join: not under the lock
            try:
                worker.stop()
            finally:
                self._changed.acquire()
            self._changed.notify_all()
        return None

    def _give_back(self, worker: _Worker) -> None:
        if worker.demoted and not worker.restore():
            self._retire(worker)  # a low-priority engine would make the next short query slow
            return
        with self._changed:
            self._busy -= 1
            if not self._closed:
                self._idle.append(worker)
                if self._takers:  # wake only threads waiting for an engine: the keeper has nothing to do
                    self._changed.notify_all()
                return
        worker.stop()

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and have the keeper start a replacement.

        It is replaced even where the pool would then hold more than it wants: the query that
        follows a timed-out one (a client trying again, say) would otherwise take the spare."""
        worker.stop()
        with self._changed:
            self._busy -= 1
            self._owed += 1
            self._changed.notify_all()

    # --- running a query -----------------------------------------------------------------------

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Answer ``job``; raise QueryError, QueryTimeout (QueryOutOfMemory), PoolBusy or EngineFailure.

        Queries only read, so one whose engine ended before answering is sent once more, to another
        engine, within what is left of its time limit."""
        self._ensure_started()
        budget = timeout
        for attempt in (1, 2):
            worker = self._take(timeout)
            started = time.monotonic()
            try:
                return self._ask(worker, job, budget, timeout)
            except _EngineDied as died:
                if died.exitcode == -signal.SIGABRT:  # how an allocation beyond the cap ends a Rust program
                    raise self._out_of_memory() from died
                if attempt == 2:
                    raise EngineFailure(
                        f"the query engine stopped unexpectedly twice while running this query ({died})"
                    ) from died
                log.warning("a query engine stopped while running a query (%s); sending it to another", died)
                budget = max(0.0, budget - (time.monotonic() - started))
        raise AssertionError("unreachable")

    def _ask(self, worker: _Worker, job: QueryJob, budget: float, timeout: float) -> QueryAnswer:
        """Send ``job`` to ``worker`` and wait at most ``budget`` seconds; raise _EngineDied if it ends."""
        try:
            worker.connection.send(job)
            answered = worker.connection.poll(min(budget, SLOW_AFTER_S))
            if not answered and budget > SLOW_AFTER_S:
                worker.demote()
                answered = worker.connection.poll(budget - SLOW_AFTER_S)
            if not answered:
                self._retire(worker)
                raise _timed_out(timeout)
            status, payload = worker.connection.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise _EngineDied(worker.process.exitcode) from exc
        return self._outcome(worker, status, payload)

    async def run_async(self, job: QueryJob, timeout: float) -> QueryAnswer | None:
        """As :meth:`run`, for the event loop: the answer is awaited on the engine's pipe, with no thread.

        Returns None, having done nothing, when no engine is idle right now (and after an engine
        ended while running the query, unless it ran out of memory): the caller then uses :meth:`run`
        in a thread, which waits for an engine and sends the query once more."""
        self._ensure_started()
        with self._changed:
            worker = self._pop_idle()
        if worker is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            worker.connection.send(job)
            answered = await _readable(loop, worker.connection, min(timeout, SLOW_AFTER_S))
            if not answered and timeout > SLOW_AFTER_S:
                worker.demote()
                answered = await _readable(loop, worker.connection, timeout - SLOW_AFTER_S)
            if not answered:
                await loop.run_in_executor(None, self._retire, worker)  # a kill and a join: not on the loop
                raise _timed_out(timeout)
            status, payload = worker.connection.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            if worker.process.exitcode == -signal.SIGABRT:  # how an allocation beyond the cap ends a Rust program
                raise self._out_of_memory() from exc
            log.warning("a query engine stopped while running a query (exit code %s)", worker.process.exitcode)
            return None
        return self._outcome(worker, status, payload)

    def _outcome(self, worker: _Worker, status: str, payload: object) -> QueryAnswer:
        """What an engine's reply means; the engine goes back to the pool or, out of memory, is replaced."""
        if status == "memory":
            self._retire(worker)
            raise self._out_of_memory()
        self._give_back(worker)
        if status == "error":
            raise QueryError(payload if isinstance(payload, str) else repr(payload))  # a Message keeps its Swedish
        if status == "failure":
            raise EngineFailure("the query engine failed", str(payload))
        assert isinstance(payload, QueryAnswer), f"an engine answered {status!r} with {payload!r}"
        return payload

    def _out_of_memory(self) -> QueryOutOfMemory:
        limit = f" ({self.memory_mb} MB)" if self.memory_mb else ""
        return QueryOutOfMemory(
            Message(
                f"the query needed more memory than this endpoint allows{limit} and was stopped. Narrow it "
                "down (fewer patterns, a LIMIT inside, ORDER BY over fewer results) and try again.",
                f"frågan behövde mer minne än tjänsten tillåter{limit} och stoppades. Avgränsa den (färre "
                "mönster, en LIMIT inuti, ORDER BY över färre resultat) och försök igen.",
            )
        )

    def close(self) -> None:
        with self._changed:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
            self._changed.notify_all()
        for worker in idle:
            worker.stop()
