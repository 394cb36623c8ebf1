"""The query service the web layer talks to: checks, dataset selection, cache, engine pool."""

from __future__ import annotations

from dataclasses import dataclass

from ..stores.oxigraph import QueryAnswer, QueryJob
from .cache import LruCache
from .guard import QueryPlan, QueryRefused, inspect
from .workers import WorkerPool


@dataclass(frozen=True)
class DatasetGraphs:
    """The named graphs of the served dataset; the default graph is their union."""

    names: tuple[str, ...]

    def check(self, iris: tuple[str, ...], where: str) -> None:
        unknown = [iri for iri in iris if iri not in self.names]
        if unknown:
            known = ", ".join(f"<{n}>" for n in self.names)
            raise QueryRefused(
                f"{where} <{unknown[0]}> is not a graph of this dataset, and this endpoint never "
                f"fetches remote graphs. The graphs here are: {known}."
            )


class QueryService:
    def __init__(
        self,
        pool: WorkerPool,
        graphs: DatasetGraphs,
        timeout: float,
        max_rows: int,
        cache_size: int,
        prefixes: tuple[tuple[str, str], ...] = (),
    ):
        self.prefixes = prefixes
        self.pool = pool
        self.graphs = graphs
        self.timeout = timeout
        self.max_rows = max_rows
        self.cache: LruCache[QueryAnswer] = LruCache(cache_size)

    def plan(self, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> QueryPlan:
        """Check a query before running it; raises QueryRefused with the reason."""
        plan = inspect(query)
        self.graphs.check(plan.dataset_iris, "FROM")
        self.graphs.check(default_graphs, "default-graph-uri")
        self.graphs.check(named_graphs, "named-graph-uri")
        return plan

    def answer(
        self,
        query: str,
        plan: QueryPlan,
        format_key: str,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> QueryAnswer:
        """Run (or recall) a planned query; raises QueryError, QueryTimeout or PoolBusy."""
        key = (query, format_key, default_graphs, named_graphs)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        job = QueryJob(query, plan.form, format_key, self.max_rows, default_graphs, named_graphs, self.prefixes)
        answer = self.pool.run(job, self.timeout)
        self.cache.put(key, answer)
        return answer
