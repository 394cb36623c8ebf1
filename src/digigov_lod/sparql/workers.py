"""A pool of engine processes, so that a query over its time limit can really be stopped.

Each worker process holds its own copy of the store. The web process sends a job down a pipe
and waits at most the time limit; a worker that has not answered by then is killed and
replaced, while the other workers go on serving.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ..stores.oxigraph import GraphSource, QueryAnswer, QueryError, QueryJob, execute, load_store

_CONTEXT = mp.get_context("spawn")  # never fork a threaded web server


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


def _serve(connection: Connection, sources: list[GraphSource]) -> None:
    """Worker main loop: answer jobs until the pipe closes."""
    store = load_store(sources)
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            connection.send(("ok", execute(store, job)))
        except QueryError as exc:
            connection.send(("error", str(exc)))
        except Exception as exc:  # report, never die silently
            connection.send(("error", f"the query engine failed: {exc}"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    connection: Connection

    @classmethod
    def start(cls, sources: list[GraphSource]) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child, sources), daemon=True, name="sparql-worker")
        process.start()
        child.close()
        status, _ = parent.recv()  # wait until the store is loaded
        assert status == "ready"
        return cls(process, parent)

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """A fixed number of engine processes; :meth:`run` answers one job with a deadline."""

    def __init__(self, sources: list[GraphSource], size: int = 2) -> None:
        self.sources = sources
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(_Worker.start(self.sources))
                self._started = True

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Answer ``job``; raise QueryError, QueryTimeout or PoolBusy."""
        self._ensure_started()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise PoolBusy("all query workers are busy; try again shortly") from exc
        try:
            worker.connection.send(job)
            if not worker.connection.poll(timeout):
                worker.stop()
                worker = _Worker.start(self.sources)
                raise QueryTimeout(f"the query was stopped after {timeout:g} s, the time limit of this endpoint")
            status, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            worker.stop()
            worker = _Worker.start(self.sources)
            raise QueryError(f"the query engine stopped unexpectedly: {exc}") from exc
        finally:
            self._idle.put(worker)
        if status == "error":
            raise QueryError(payload)
        return payload

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().stop()
