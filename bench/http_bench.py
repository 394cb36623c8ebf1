"""HTTP benchmark: digigov-lod (gunicorn, as `make run` serves it) against the Oxigraph server
and a static file server, on the same release, over real HTTP on 127.0.0.1, side by side.

For every example query and for a dump download it prints requests per second and p50/p99
latency at the given concurrency, and the ratio to the reference server.

    .venv/bin/python bench/http_bench.py [--seconds 5] [--concurrency 8] [--release DIR]

Without --release it builds the current sources into a temporary folder first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
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


def load(port: int, paths: list[str], headers: dict[str, str], seconds: float, concurrency: int) -> Figures:
    """``concurrency`` keep-alive clients cycle through ``paths`` for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        i = offset
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
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


def median_round(
    port: int, paths: list[str], headers: dict[str, str], seconds: float, args: argparse.Namespace
) -> Figures:
    """The round with the median throughput out of ``args.rounds`` (the machine is shared and noisy)."""
    rounds = [load(port, paths, headers, seconds, args.concurrency) for _ in range(args.rounds)]
    return sorted(rounds, key=lambda f: f.rps)[len(rounds) // 2]


def row(name: str, ours: Figures, theirs: Figures, reference: str) -> str:
    ratio = ours.rps / theirs.rps if theirs.rps else float("nan")
    return (
        f"| {name} | {ours.rps:,.0f} | {ours.percentile(50):.1f} | {ours.percentile(99):.1f} | "
        f"{theirs.rps:,.0f} | {theirs.percentile(50):.1f} | {theirs.percentile(99):.1f} | {ratio:.2f}× {reference} |"
        + (f" errors {ours.errors}/{theirs.errors}" if ours.errors or theirs.errors else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load duration per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measurement; the median is shown")
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
             f"127.0.0.1:{ours_port}", "digigov_lod.web:create_app_from_environment()"],
            {"DIGIGOV_RELEASE_DIR": str(release_path), "DIGIGOV_ACCESS_LOG": ""},
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
        for port in (ours_port, oxigraph_port, static_port):
            wait_until_up(port)

        examples = load_examples()
        accept = {"Accept": "application/sparql-results+json"}
        print(f"release {release.version}: {release.manifest['triples']} triples; {len(examples)} example queries;")
        print(f"concurrency {args.concurrency}, {args.seconds:g} s per measurement, {os.cpu_count()} cores\n")
        print("| workload | digigov-lod req/s | p50 ms | p99 ms | reference req/s | p50 ms | p99 ms | ratio |")
        print("|---|---|---|---|---|---|---|---|")

        def query_paths(prefix: str, texts: list[str]) -> list[str]:
            return [f"{prefix}?query={urllib.parse.quote(t)}" for t in texts]

        texts = [q.text for q in examples]
        for path in query_paths("/sparql", texts) + query_paths("/query", texts):  # warm both servers
            port = ours_port if path.startswith("/sparql") else oxigraph_port
            load(port, [path], accept, 0.05, 1)
        ours = median_round(ours_port, query_paths("/sparql", texts), accept, args.seconds, args)
        theirs = median_round(oxigraph_port, query_paths("/query", texts), accept, args.seconds, args)
        print(row("all example queries (mixed)", ours, theirs, "Oxigraph server"))
        for example in examples[:5]:
            ours = load(ours_port, query_paths("/sparql", [example.text]), accept, args.seconds / 2, args.concurrency)
            theirs = load(
                oxigraph_port, query_paths("/query", [example.text]), accept, args.seconds / 2, args.concurrency
            )
            print(row(f"query {example.id}", ours, theirs, "Oxigraph server"))
        ours = median_round(ours_port, [f"/download/{DUMP_STEM}.ttl"], {}, args.seconds, args)
        theirs = median_round(static_port, [f"/{DUMP_STEM}.ttl"], {}, args.seconds, args)
        print(row(f"download {DUMP_STEM}.ttl", ours, theirs, "python http.server"))
        cold = [
            f"/sparql?query={urllib.parse.quote(t + chr(10) + '# ' + str(n))}" for n in range(50_000) for t in texts[:1]
        ]
        ours = load(ours_port, cold, accept, args.seconds, args.concurrency)
        theirs = load(
            oxigraph_port, [p.replace("/sparql", "/query") for p in cold], accept, args.seconds, args.concurrency
        )
        print(row("uncached: query 01 with a new comment each time", ours, theirs, "Oxigraph server"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
