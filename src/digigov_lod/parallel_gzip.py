"""Gzip in pieces compressed side by side: one ordinary gzip member, made on every core.

A large build waited 14 of its 145 seconds for gzip (level 9 of 1.3 GB of dumps) on one thread. Here the
data is cut into fixed pieces; each is deflated on its own, primed with the 32 KiB before it (the window
deflate would have seen), and ended with a sync flush so that the next piece starts on a byte boundary; the
pieces joined are one deflate stream (the way pigz works). The pieces do not depend on timing, so the same
data always gives the same bytes, and data of one piece gives exactly :func:`gzip.compress`'s bytes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

LEVEL = 9
PIECE_BYTES = 16 << 20
WINDOW = 32 << 10
#: gzip.compress(data, 9, mtime=0): magic, deflate, no flags, mtime 0, "maximum compression", Unix
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"


def _deflate(data: memoryview, start: int, end: int) -> bytes:
    primed = {"zdict": data[max(0, start - WINDOW) : start]} if start else {}
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 8, zlib.Z_DEFAULT_STRATEGY, **primed)
    last = end >= len(data)
    return compressor.compress(data[start:end]) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def gzip_pieces(data: bytes, pool: Executor, piece_bytes: int = PIECE_BYTES) -> bytes:
    """``data`` gzipped (no timestamp), its pieces deflated on ``pool``'s threads (zlib lets go of the GIL)."""
    view = memoryview(data)
    starts = range(0, max(len(data), 1), piece_bytes)
    pieces = [pool.submit(_deflate, view, start, start + piece_bytes) for start in starts]
    body = b"".join(piece.result() for piece in pieces)
    return _HEADER + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


class SpareCores(ThreadPoolExecutor):
    """Threads that use the cores the caller leaves free: all but one while the caller works, every one
    while it waits (:meth:`waiting`). Deflating on both cores while a build also works on one slowed the
    build more than the compression gained; while it waits for the files, both cores deflate."""

    def __init__(self) -> None:
        cores = os.cpu_count() or 1
        super().__init__(max_workers=cores, thread_name_prefix="deflate")
        self._free = threading.Semaphore(max(cores - 1, 1))

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(self._on_a_free_core, fn, *args, **kwargs)

    def _on_a_free_core(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._free:
            return fn(*args, **kwargs)

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """While the caller waits, its core is free too."""
        self._free.release()
        try:
            yield
        finally:
            self._free.acquire()
