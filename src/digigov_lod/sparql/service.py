"""The query service the web layer talks to: checks, dataset selection, cache, engine pool."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..messages import Message
from .cache import LruCache
from .engine import Engine, QueryAnswer, QueryJob, QueryOutOfMemory, QueryTimeout
from .guard import QueryPlan, inspect

#: Most memory the answer cache may hold (the sum of the answers' bodies).
ANSWER_CACHE_BYTES = 64 * 1024 * 1024
#: Larger answers are not cached: they would push out many small ones, and are rarely repeated.
MAX_CACHED_ANSWER_BYTES = 1024 * 1024
#: How long a query that ran out of time (or memory) is answered at once with a 503, without running it.
TIMEOUT_MEMORY_S = 60.0
#: Most timed-out queries remembered at a time (the oldest are forgotten first).
TIMEOUT_MEMORY_ENTRIES = 1024


@dataclass(frozen=True)
class DatasetGraphs:
    """The named graphs of the served dataset; the default graph is their union."""

    names: tuple[str, ...]

    def unknown(self, *iris: tuple[str, ...]) -> tuple[str, ...]:
        """The graph names (FROM, default-graph-uri, named-graph-uri) this dataset does not hold.

        They are not refused: as in RDF dataset semantics (and the Oxigraph server), a graph the
        store does not hold is an empty graph, and the engine never fetches one. The client is told
        (:func:`unknown_graphs_note`), so that a typo does not pass silently."""
        return tuple(dict.fromkeys(iri for group in iris for iri in group if iri not in self.names))


def unknown_graphs_note(unknown: tuple[str, ...], known: tuple[str, ...]) -> Message:
    """What a client is told about graph names the dataset does not hold."""
    named = ", ".join(f"<{iri}>" for iri in unknown)
    graphs = ", ".join(f"<{iri}>" for iri in known)
    return Message(
        f"{named}: not a graph of this dataset, so read as an empty graph (nothing is fetched from other "
        f"servers). The graphs here are: {graphs}.",
        f"{named}: ingen graf i den här datamängden, så den lästes som en tom graf (inget hämtas från andra "
        f"servrar). Graferna här är: {graphs}.",
    )


class _TimedOut:
    """Queries that ran out of time within the last ``seconds``."""

    def __init__(self, seconds: float, entries: int) -> None:
        self.seconds = seconds
        self.entries = entries
        self._stopped: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, key: Hashable) -> None:
        with self._lock:
            self._stopped.pop(key, None)
            self._stopped[key] = time.monotonic()
            while len(self._stopped) > self.entries:
                self._stopped.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._stopped:  # entries are in time order: drop the expired ones
                oldest_key, when = next(iter(self._stopped.items()))
                if now - when < self.seconds:
                    break
                del self._stopped[oldest_key]
            return key in self._stopped


class QueryService:
    def __init__(
        self,
        pool: Engine,
        graphs: DatasetGraphs,
        timeout: float,
        max_rows: int,
        cache_size: int,
        prefixes: tuple[tuple[str, str], ...] = (),
        cache_bytes: int = ANSWER_CACHE_BYTES,
        base_iri: str | None = None,
    ):
        self.prefixes = prefixes
        self.base_iri = base_iri
        self.pool = pool
        self.graphs = graphs
        self.timeout = timeout
        self.max_rows = max_rows
        self.cache: LruCache[QueryAnswer] = LruCache(cache_size, cache_bytes, MAX_CACHED_ANSWER_BYTES)
        self.timed_out = _TimedOut(TIMEOUT_MEMORY_S, TIMEOUT_MEMORY_ENTRIES)
        self.out_of_memory = _TimedOut(TIMEOUT_MEMORY_S, TIMEOUT_MEMORY_ENTRIES)

    def plan(self, query: str) -> QueryPlan:
        """Check a query before running it; raises QueryRefused with the reason."""
        return inspect(query, dict(self.prefixes))

    def unknown_graphs(
        self, plan: QueryPlan, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]
    ) -> tuple[str, ...]:
        """Graph names the request or query gives that this dataset does not hold (read as empty)."""
        return self.graphs.unknown(plan.dataset_iris, default_graphs, named_graphs)

    def answer(
        self,
        query: str,
        plan: QueryPlan,
        format_key: str,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> QueryAnswer:
        """Run (or recall) a planned query; raises QueryError, QueryTimeout (QueryOutOfMemory), PoolBusy or
        EngineFailure."""
        cached, job = self._ready(query, plan, format_key, default_graphs, named_graphs)
        if cached is not None:
            return cached
        with self._remembering(job):
            answer = self.pool.run(job, self.timeout)
        self._keep(job, answer)
        return answer

    async def answer_async(
        self,
        query: str,
        plan: QueryPlan,
        format_key: str,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> QueryAnswer | None:
        """As :meth:`answer`, awaited on the event loop; None where it cannot be answered without a thread
        (no engine idle right now, or an engine that cannot be awaited): then call :meth:`answer` in one."""
        cached, job = self._ready(query, plan, format_key, default_graphs, named_graphs)
        if cached is not None:
            return cached
        run_async = getattr(self.pool, "run_async", None)
        if run_async is None:
            return None
        with self._remembering(job):
            answer = await run_async(job, self.timeout)
        if answer is not None:
            self._keep(job, answer)
        return answer

    def _ready(
        self,
        query: str,
        plan: QueryPlan,
        format_key: str,
        default_graphs: tuple[str, ...],
        named_graphs: tuple[str, ...],
    ) -> tuple[QueryAnswer | None, QueryJob]:
        """The remembered answer, if there is one, and the job that makes it; raises QueryTimeout for
        a query that was stopped lately."""
        run_key = (query, default_graphs, named_graphs)  # what the engine's work depends on
        cached = self.cache.get((query, format_key, default_graphs, named_graphs))
        if cached is None:
            self._refuse_stopped(run_key)
        job = QueryJob(
            query,
            plan.form,
            format_key,
            self.max_rows,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            prefixes=self.prefixes,
            base_iri=self.base_iri,
            query_names_dataset=bool(plan.dataset_iris),
        )
        return cached, job

    def _refuse_stopped(self, run_key: Hashable) -> None:
        """Raise QueryTimeout (QueryOutOfMemory) for a query that was stopped at a limit lately."""
        if run_key in self.timed_out:  # it would only run out of time again, and cost a worker restart
            raise QueryTimeout(
                Message(
                    f"Not run: this query was stopped at the time limit ({self.timeout:g} s) less than "
                    f"{TIMEOUT_MEMORY_S:g} s ago and would only be stopped again. Narrow it down (fewer "
                    "patterns, a LIMIT inside, a FILTER earlier) and send the new version.",
                    f"Inte körd: frågan stoppades vid tidsgränsen ({self.timeout:g} s) för mindre än "
                    f"{TIMEOUT_MEMORY_S:g} s sedan och skulle bara stoppas igen. Avgränsa den (färre "
                    "mönster, en LIMIT inuti, ett FILTER tidigare) och skicka den nya versionen.",
                )
            )
        if run_key in self.out_of_memory:  # it would only end another engine
            raise QueryOutOfMemory(
                Message(
                    f"Not run: this query needed more memory than this endpoint allows less than "
                    f"{TIMEOUT_MEMORY_S:g} s ago and would only be stopped again. Narrow it down (fewer "
                    "patterns, a LIMIT inside, ORDER BY over fewer results) and send the new version.",
                    f"Inte körd: frågan behövde mer minne än tjänsten tillåter för mindre än "
                    f"{TIMEOUT_MEMORY_S:g} s sedan och skulle bara stoppas igen. Avgränsa den (färre "
                    "mönster, en LIMIT inuti, ORDER BY över färre resultat) och skicka den nya versionen.",
                )
            )

    @contextmanager
    def _remembering(self, job: QueryJob) -> Iterator[None]:
        """Remember a query that ran out of time or memory, so that it is not run again soon."""
        run_key = (job.query, job.default_graphs, job.named_graphs)
        try:
            yield
        except QueryOutOfMemory:
            self.out_of_memory.remember(run_key)
            raise
        except QueryTimeout:
            self.timed_out.remember(run_key)
            raise

    def _keep(self, job: QueryJob, answer: QueryAnswer) -> None:
        if not answer.truncated:  # a truncated answer is not the answer; never serve it from memory
            key = (job.query, job.format_key, job.default_graphs, job.named_graphs)
            self.cache.put(key, answer, size=len(answer.body))
