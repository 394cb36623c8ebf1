"""A small thread-safe LRU cache, bounded by entries and (optionally) by bytes.

Answers never go stale: a release is immutable, and a new release starts a new process with an
empty cache. What the cache must bound is memory: with ``max_bytes`` set, every entry is put with
its ``size`` (the caller knows what is large: ``len(answer.body)``), the least recently used
entries are dropped until the total fits, and an entry larger than ``max_entry_bytes`` (or than
``max_bytes`` itself) is not kept at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    def __init__(self, capacity: int, max_bytes: int | None = None, max_entry_bytes: int | None = None) -> None:
        """``capacity``: most entries; ``max_bytes``: most bytes in all (None: no byte limit);
        ``max_entry_bytes``: the largest single entry kept (None: up to ``max_bytes``)."""
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0  # total size of the entries held
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: V, size: int = 0) -> bool:
        """Keep ``value`` (of ``size`` bytes); False when it is too large to be kept."""
        if self.capacity <= 0 or size < 0:
            return False
        if self.max_entry_bytes is not None and size > self.max_entry_bytes:
            return False
        if self.max_bytes is not None and size > self.max_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while len(self._entries) > self.capacity or (self.max_bytes is not None and self.bytes > self.max_bytes):
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
            return True
