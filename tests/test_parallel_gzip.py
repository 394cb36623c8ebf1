"""Gzip in pieces: one gzip member that any reader takes whole, the same bytes every time."""

from __future__ import annotations

import contextlib
import gzip
import os
import random
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from digigov_lod.parallel_gzip import SpareCores, gzip_pieces


@pytest.fixture(scope="module")
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


def _text(size: int, seed: int = 1) -> bytes:
    """N-Triples-like lines: repetitive, like the dumps, with some randomness."""
    rng = random.Random(seed)
    lines = (
        f'<https://w3id.org/digigov-lod/id/p{rng.randint(0, 5000)}> <https://schema.org/name> "N {rng.random()}" .\n'
        for _ in range(size // 60 + 1)
    )
    return "".join(lines).encode()[:size]


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 100_000])
def test_data_of_one_piece_gives_gzip_compress_s_bytes(pool: ThreadPoolExecutor, size: int) -> None:
    data = _text(size)
    assert gzip_pieces(data, pool, piece_bytes=4096 if size <= 4096 else 1 << 20) == gzip.compress(data, 9, mtime=0)


@pytest.mark.parametrize("piece_bytes", [1, 1000, 4096, 65_536])
def test_many_pieces_make_one_member_that_reads_back_whole(pool: ThreadPoolExecutor, piece_bytes: int) -> None:
    data = _text(300_000 if piece_bytes > 1 else 3_000)
    packed = gzip_pieces(data, pool, piece_bytes)
    reader = zlib.decompressobj(wbits=31)  # one member only: a reader that stops after the first gets it all
    assert reader.decompress(packed) == data and reader.eof and reader.unused_data == b""
    assert gzip.decompress(packed) == data


def test_the_same_data_always_gives_the_same_bytes_and_hardly_more_of_them(pool: ThreadPoolExecutor) -> None:
    data = _text(2_000_000, seed=2)
    first = gzip_pieces(data, pool, piece_bytes=100_000)
    assert all(gzip_pieces(data, pool, piece_bytes=100_000) == first for _ in range(3))
    whole = gzip.compress(data, 9, mtime=0)
    assert len(first) < len(whole) * 1.01  # each piece starts with the window before it


def _most_at_once(cores: SpareCores, tasks: int, waiting: bool) -> int:
    running, most, lock = 0, 0, threading.Lock()

    def task() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.1)
        with lock:
            running -= 1

    futures = [cores.submit(task) for _ in range(tasks)]
    with cores.waiting() if waiting else contextlib.nullcontext():
        for future in futures:
            future.result()
    return most


def test_spare_cores_leave_one_to_the_caller_until_it_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    with SpareCores() as cores:
        assert _most_at_once(cores, 6, waiting=False) == 2
        assert _most_at_once(cores, 6, waiting=True) == 3
        assert _most_at_once(cores, 6, waiting=False) == 2  # the caller's core is its own again
