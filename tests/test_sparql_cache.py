"""The answer cache is bounded by bytes, and a query that ran out of time is not run again for a while."""

from __future__ import annotations

import threading

import pytest

from digigov_lod.sparql import service as service_module
from digigov_lod.sparql.cache import LruCache
from digigov_lod.sparql.engine import QueryAnswer, QueryJob, QueryTimeout
from digigov_lod.sparql.guard import inspect
from digigov_lod.sparql.service import MAX_CACHED_ANSWER_BYTES, DatasetGraphs, QueryService


def test_byte_budget_drops_the_least_recently_used() -> None:
    cache: LruCache[str] = LruCache(100, max_bytes=1000)
    for i in range(5):
        cache.put(i, f"v{i}", size=300)
    assert cache.bytes <= 1000 and len(cache) == 3
    assert cache.get(0) is None and cache.get(1) is None and cache.get(4) == "v4"
    cache.get(2)  # now the most recently used
    cache.put(5, "v5", size=300)
    assert cache.get(2) == "v2" and cache.get(3) is None


def test_entries_too_large_are_not_kept() -> None:
    cache: LruCache[str] = LruCache(100, max_bytes=1000, max_entry_bytes=400)
    assert cache.put("small", "s", size=400) is True
    assert cache.put("large", "l", size=401) is False
    assert cache.get("large") is None and cache.get("small") == "s" and cache.bytes == 400


def test_replacing_an_entry_counts_its_size_once() -> None:
    cache: LruCache[str] = LruCache(100, max_bytes=1000)
    cache.put("k", "a", size=600)
    cache.put("k", "b", size=700)
    assert cache.bytes == 700 and cache.get("k") == "b"


def test_without_sizes_it_is_the_old_entry_bounded_cache() -> None:
    cache: LruCache[int] = LruCache(2)  # as web/response_cache.py builds it
    for i in range(3):
        cache.put(i, i)
    assert cache.get(0) is None and cache.get(1) == 1 and cache.get(2) == 2


def test_thread_safe_under_contention() -> None:
    cache: LruCache[int] = LruCache(50, max_bytes=5000)

    def hammer(offset: int) -> None:
        for i in range(2000):
            cache.put((offset, i % 80), i, size=(i % 7) * 20)
            cache.get((offset, (i * 3) % 80))

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) <= 50 and 0 <= cache.bytes <= 5000
    assert cache.bytes == sum(size for _, size in cache._entries.values())


class FakePool:
    """Counts the jobs it is given; answers with ``body`` or raises ``raises``."""

    def __init__(self, body: bytes = b"x", truncated: bool = False, raises: Exception | None = None) -> None:
        self.jobs: list[QueryJob] = []
        self.body, self.truncated, self.raises = body, truncated, raises

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        self.jobs.append(job)
        if self.raises is not None:
            raise self.raises
        return QueryAnswer(self.body, 1, self.truncated)


def _service(pool: FakePool) -> QueryService:
    return QueryService(pool, DatasetGraphs(("http://g/a",)), 1.0, 10, 512)  # type: ignore[arg-type]


QUERY = "SELECT * WHERE { ?s ?p ?o }"


def test_the_service_caches_small_complete_answers_only() -> None:
    small = FakePool(b"x" * 100)
    service = _service(small)
    for _ in range(3):
        service.answer(QUERY, inspect(QUERY), "json")
    assert len(small.jobs) == 1
    large = FakePool(b"x" * (MAX_CACHED_ANSWER_BYTES + 1))
    service = _service(large)
    for _ in range(2):
        service.answer(QUERY, inspect(QUERY), "json")
    assert len(large.jobs) == 2 and service.cache.bytes == 0
    truncated = FakePool(b"x", truncated=True)
    service = _service(truncated)
    for _ in range(2):
        service.answer(QUERY, inspect(QUERY), "json")
    assert len(truncated.jobs) == 2


def test_the_service_cache_has_a_byte_budget() -> None:
    service = _service(FakePool())
    assert service.cache.max_bytes == service_module.ANSWER_CACHE_BYTES == 64 * 1024 * 1024


def test_a_timed_out_query_is_answered_at_once_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = FakePool(raises=QueryTimeout("the query was stopped after 1 s"))
    service = _service(pool)
    clock = [1000.0]
    monkeypatch.setattr(service_module.time, "monotonic", lambda: clock[0])
    for fmt in ("json", "csv", "json"):  # the format does not change how long the engine works
        with pytest.raises(QueryTimeout, match=r"stopped (after 1 s|at the time limit)"):
            service.answer(QUERY, inspect(QUERY), fmt)
    assert len(pool.jobs) == 1
    with pytest.raises(QueryTimeout):  # another dataset is another query
        service.answer(QUERY, inspect(QUERY), "json", named_graphs=("http://g/a",))
    assert len(pool.jobs) == 2
    clock[0] += service_module.TIMEOUT_MEMORY_S + 1
    with pytest.raises(QueryTimeout):
        service.answer(QUERY, inspect(QUERY), "json")
    assert len(pool.jobs) == 3
