"""A pool of engine processes, so that a query over its time limit can really be stopped.

Each worker process holds its own copy of the store. The web process sends a job down a pipe
and waits at most the time limit; a worker that has not answered by then is killed and
replaced (in the background), while the other workers go on serving.

Engine processes are started from one long-lived launcher thread and ask Linux to kill them
when their parent goes (``PR_SET_PDEATHSIG``): that signal follows the *thread* that started the
child, so starting them from a short-lived request thread would kill them when it ends.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ..messages import Message, message_of
from ..stores.oxigraph import GraphSource, QueryAnswer, QueryError, QueryJob, execute, load_store
from .isolation import isolate_network

_CONTEXT = mp.get_context("spawn")  # never fork a threaded web server
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STARTUP_TIMEOUT_S = 60.0  # loading the release into a new engine process must not take longer
EXTRA_FACTOR = 3  # engines a pool may hold when busy, as a multiple of its kept size
EXTRA_AFTER_S = 0.05  # how long a query waits for a busy engine before it gets an extra one
_STARTUP_POLL_S = 0.25

log = logging.getLogger(__name__)


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class EngineFailure(Exception):
    """The engine itself failed (crashed, could not start): a server fault, not the query's."""


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only; ignored elsewhere)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc or no prctl: the pipe's EOF still ends an idle worker
            return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _serve(connection: Connection, sources: list[GraphSource], parent_pid: int) -> None:
    """Worker main loop: answer jobs until the pipe closes."""
    isolate_network()  # first, while single-threaded; where it is not possible the guard alone holds
    _die_with_parent(parent_pid)
    try:
        store = load_store(sources)
    except Exception as exc:  # tell the parent why, instead of leaving it waiting
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            connection.send(("ok", execute(store, job)))
        except QueryError as exc:
            connection.send(("error", message_of(exc)))
        except Exception as exc:  # report, never die silently
            connection.send(("failure", f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    connection: Connection

    @classmethod
    def launch(cls, sources: list[GraphSource]) -> _Worker:
        """Start the process (call this from the launcher thread); it is not ready yet."""
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child, sources, os.getpid()), daemon=True, name="sparql-worker")
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
            raise EngineFailure(f"the query engine exited while loading the release: {exc}") from exc
        except EngineFailure:
            self.stop()
            raise
        if status != "ready":
            self.stop()
            raise EngineFailure(f"the query engine could not load the release: {detail}")

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """A number of engine processes; :meth:`run` answers one job with a deadline.

    ``size`` engines start with the pool. When all are busy for longer than ``EXTRA_AFTER_S`` (say,
    with queries that will run into the time limit), a query gets an extra engine, up to
    ``max_size`` in all: one starts in about 0.1 s, so a simple query need not wait behind slow
    ones. Extras stay for the next busy moment (starting and stopping them under a steady load
    would cost more than they save); a timed-out extra is not replaced.

    A worker that timed out or crashed is killed and a replacement is started in the background.
    If a replacement cannot start, the pool shrinks; when no worker is left, the next query tries
    to start one and reports an EngineFailure if that fails too. The pool never holds a dead worker.
    """

    def __init__(
        self,
        sources: list[GraphSource],
        size: int = 2,
        startup_timeout: float = STARTUP_TIMEOUT_S,
        max_size: int | None = None,
    ) -> None:
        self.sources = sources
        self.size = size
        self.max_size = max(size, max_size if max_size is not None else size * EXTRA_FACTOR)
        self.startup_timeout = startup_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._live = 0  # workers started and not stopped: idle, busy or being replaced
        self._started = False
        self._closed = False
        self._launcher: ThreadPoolExecutor | None = None

    @property
    def live(self) -> int:
        return self._live

    def _start_worker(self) -> _Worker:
        """A new, ready worker; raises EngineFailure."""
        if self._launcher is None:
            self._launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-launcher")
        try:
            worker = self._launcher.submit(_Worker.launch, self.sources).result()
        except Exception as exc:
            raise EngineFailure(f"the query engine could not be started: {exc}") from exc
        worker.wait_ready(self.startup_timeout)
        return worker

    def _ensure_started(self) -> None:
        with self._lock:
            if self._closed:
                raise EngineFailure("the query engine has been shut down")
            if not self._started:
                while self._live < self.size:
                    self._idle.put(self._start_worker())  # a failure propagates: nothing to serve with
                    self._live += 1
                self._started = True
            elif self._live == 0:  # every replacement failed: try once more, now
                self._idle.put(self._start_worker())
                self._live += 1

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a replacement in the background (or shrink the pool)."""
        worker.stop()
        with self._lock:
            if self._live > self.size:  # an extra: nothing to replace
                self._live -= 1
                return

        def replace() -> None:
            try:
                new = self._start_worker()
            except EngineFailure as exc:
                with self._lock:
                    self._live -= 1
                log.error("could not replace a query engine worker (%d left): %s", self._live, exc)
                return
            with self._lock:
                if self._closed:
                    self._live -= 1
                    new.stop()
                    return
            self._idle.put(new)

        threading.Thread(target=replace, name="sparql-replace", daemon=True).start()

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Answer ``job``; raise QueryError, QueryTimeout, PoolBusy or EngineFailure."""
        self._ensure_started()
        try:
            worker = self._idle.get(timeout=EXTRA_AFTER_S)  # busy engines usually free up in milliseconds
        except queue.Empty:
            worker = self._extra() or self._wait_for_idle(timeout)
        try:
            worker.connection.send(job)
            if not worker.connection.poll(timeout):
                self._retire(worker)
                raise QueryTimeout(
                    Message(
                        f"the query was stopped after {timeout:g} s, the time limit of this endpoint",
                        f"frågan stoppades efter {timeout:g} s, tjänstens tidsgräns",
                    )
                )
            status, payload = worker.connection.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise EngineFailure(f"the query engine stopped unexpectedly ({type(exc).__name__}); try again") from exc
        self._idle.put(worker)
        if status == "error":
            raise QueryError(payload)
        if status == "failure":
            raise EngineFailure(f"the query engine failed: {payload}")
        return payload

    def _extra(self) -> _Worker | None:
        """A new engine beyond the kept ones, if the pool may grow; None otherwise."""
        with self._lock:
            if self._closed or self._live >= self.max_size:
                return None
            self._live += 1
        try:
            return self._start_worker()
        except EngineFailure:
            with self._lock:
                self._live -= 1
            return None

    def _wait_for_idle(self, timeout: float) -> _Worker:
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise PoolBusy(
                Message(
                    "all query workers are busy; try again shortly",
                    "alla frågemotorer är upptagna; försök igen om en stund",
                )
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._closed = True
            while not self._idle.empty():
                self._idle.get_nowait().stop()
                self._live -= 1
        if self._launcher is not None:
            self._launcher.shutdown(wait=False)
