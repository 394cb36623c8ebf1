"""HTTP benchmark: digigov-lod (gunicorn, as `make run` serves it) against the Oxigraph server
and a static file server, on the same release, over real HTTP on 127.0.0.1, side by side.

For the example queries, uncached queries and a dump download it prints requests per second and
p50/p99 latency at the given concurrency, and the ratio to the reference server. The servers take
turns in short rounds, so that the shared machine's drifting speed affects them alike. A row for
gunicorn serving a fixed answer (``fixed_response_app.py``) shows what the server alone costs.

    .venv/bin/python bench/http_bench.py [--seconds 2] [--rounds 5] [--concurrency 8] [--release DIR]

Without --release it builds the current sources into a temporary folder first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from digigov_lod.build import build  # noqa: E402
from digigov_lod.config import Settings  # noqa: E402
from digigov_lod.release import DUMP_STEM, Release  # noqa: E402
from digigov_lod.sparql.examples import load_examples  # noqa: E402

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, path: str = "/", seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


@dataclass
class Figures:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


PathAt = Callable[[int], str]


def cycling(paths: list[str]) -> PathAt:
    return lambda i: paths[i % len(paths)]


def load(port: int, path_at: PathAt, headers: dict[str, str], seconds: float, concurrency: int,
         start: int = 0) -> Figures:  # fmt: skip
    """``concurrency`` keep-alive clients for ``seconds``; client n asks for path_at(start + n + k·concurrency)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        i = start + offset
        while time.monotonic() < stop_at:
            path = path_at(i)
            i += concurrency
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except OSError:
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(len(latencies), errors, time.monotonic() - started, latencies)


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@dataclass
class Target:
    name: str
    port: int
    path_at: PathAt
    headers: dict[str, str]


@dataclass
class Compared:
    """Each target's median round, and each target's throughput relative to the last target's."""

    figures: list[Figures]
    ratios: list[float]


def interleaved(targets: list[Target], args: argparse.Namespace, seconds: float | None = None) -> Compared:
    """Short rounds that take turns between the targets, so that the machine's drifting speed
    (it is shared) hits every server alike; ratios are the median of the round-by-round ratios."""
    rounds: list[list[Figures]] = [[] for _ in targets]
    for n in range(args.rounds):
        for target, figures in zip(targets, rounds, strict=True):
            span = seconds or args.seconds
            figures.append(load(target.port, target.path_at, target.headers, span, args.concurrency, n * 1_000_000))
    reference = rounds[-1]
    ratios = [statistics.median(a.rps / b.rps for a, b in zip(f, reference, strict=True)) for f in rounds]
    medians = [sorted(f, key=lambda x: x.rps)[len(f) // 2] for f in rounds]
    return Compared(medians, ratios)


def row(name: str, compared: Compared, index: int = 0) -> str:
    ours, theirs = compared.figures[index], compared.figures[-1]
    return (
        f"| {name} | {ours.rps:,.0f} | {ours.percentile(50):.1f} | {ours.percentile(99):.1f} | "
        f"{theirs.rps:,.0f} | {theirs.percentile(50):.1f} | {theirs.percentile(99):.1f} | "
        f"{compared.ratios[index]:.2f}× |"
        + (f" errors {ours.errors}/{theirs.errors}" if ours.errors or theirs.errors else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per measurement")
    parser.add_argument("--release", type=Path, help="an existing release folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="digigov-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        release_path = args.release or build(Settings(project_root=ROOT, release_dir=workdir / "dist"))
        release = Release.open(release_path)
        dump = release_path / f"{DUMP_STEM}.nt"

        ours_port = free_port()
        processes.append(start(
            [str(BIN / "gunicorn"), "--config", "python:digigov_lod.web.gunicorn_conf", "--bind",
             f"127.0.0.1:{ours_port}", "digigov_lod.web.asgi:create_asgi_app_from_environment()"],
            {"DIGIGOV_RELEASE_DIR": str(release_path), "DIGIGOV_ACCESS_LOG": ""},
        ))  # fmt: skip
        ceiling_port = free_port()
        processes.append(start(
            [str(BIN / "gunicorn"), "--config", "python:digigov_lod.web.gunicorn_conf", "--bind",
             f"127.0.0.1:{ceiling_port}", "--pythonpath", str(ROOT / "bench"), "fixed_response_app:app"],
            {"DIGIGOV_ACCESS_LOG": ""},
        ))  # fmt: skip
        store = workdir / "oxigraph"
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(dump)],
                       check=True, capture_output=True)  # fmt: skip
        oxigraph_port = free_port()
        processes.append(start([str(BIN / "oxigraph"), "serve-read-only", "--location", str(store),
                                "--bind", f"127.0.0.1:{oxigraph_port}"]))  # fmt: skip
        static_root = workdir / "static"
        static_root.mkdir()
        shutil.copy(release_path / f"{DUMP_STEM}.ttl", static_root)
        static_port = free_port()
        processes.append(start([sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1",
                                "--directory", str(static_root)]))  # fmt: skip
        for port in (ours_port, ceiling_port, oxigraph_port, static_port):
            wait_until_up(port)

        examples = load_examples()
        accept = {"Accept": "application/sparql-results+json"}
        print(f"release {release.version}: {release.manifest['triples']} triples; {len(examples)} example queries;")
        print(f"concurrency {args.concurrency}; {args.rounds} interleaved rounds of {args.seconds:g} s per server "
              f"and workload (median shown); {os.cpu_count()} cores shared with the load generator\n")  # fmt: skip
        print("| workload | measured req/s | p50 ms | p99 ms | reference req/s | p50 ms | p99 ms | ratio |")
        print("|---|---|---|---|---|---|---|---|")

        def queries(prefix: str, texts: list[str]) -> PathAt:
            return cycling([f"{prefix}?query={urllib.parse.quote(t)}" for t in texts])

        texts = [q.text for q in examples]
        ours = Target("digigov-lod", ours_port, queries("/sparql", texts), accept)
        theirs = Target("Oxigraph server", oxigraph_port, queries("/query", texts), accept)
        ceiling = Target("fixed answer", ceiling_port, queries("/sparql", texts), accept)
        for target in (ours, theirs):  # warm up: every example once in every process
            load(target.port, target.path_at, accept, 1.0, args.concurrency)
        mixed = interleaved([ours, ceiling, theirs], args)
        print(row("all example queries (mixed) vs Oxigraph server", mixed, 0))
        print(row("gunicorn alone (fixed answer, no application) vs Oxigraph server", mixed, 1))
        for example in examples[:5]:
            single = interleaved(
                [Target(example.id, ours_port, queries("/sparql", [example.text]), accept),
                 Target("Oxigraph server", oxigraph_port, queries("/query", [example.text]), accept)],
                args, args.seconds / 2,
            )  # fmt: skip
            print(row(f"query {example.id} vs Oxigraph server", single))

        def fresh(prefix: str) -> PathAt:  # a new comment every time, so no cache can answer
            return lambda i: f"{prefix}?query={urllib.parse.quote(texts[0] + chr(10) + '# ' + str(i))}"

        uncached = interleaved(
            [Target("uncached", ours_port, fresh("/sparql"), accept),
             Target("Oxigraph server", oxigraph_port, fresh("/query"), accept)], args
        )  # fmt: skip
        print(row("uncached: query 01 with a new comment each time vs Oxigraph server", uncached))
        downloads = interleaved(
            [Target("download", ours_port, cycling([f"/download/{DUMP_STEM}.ttl"]), {}),
             Target("http.server", static_port, cycling([f"/{DUMP_STEM}.ttl"]), {})], args
        )  # fmt: skip
        print(row(f"download {DUMP_STEM}.ttl vs python http.server", downloads))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
