"""HTTP benchmark: digigov-lod (gunicorn, as `make run` serves it) against the Oxigraph server
and a static file server, on the same release, over real HTTP on 127.0.0.1, side by side.

For the example queries, uncached queries and a dump download it prints requests per second and
p50/p99 latency at the given concurrency, and the ratio to the reference server. The servers take
turns in short rounds, so that the shared machine's drifting speed affects them alike. A row for
gunicorn serving a fixed answer (``fixed_response_app.py``) shows what the server alone costs.

The load comes from ``wrk`` (a native load generator, so that the servers get the machine's
cores) when it is installed (``make bench`` installs it), else from Python threads, whose own
cost per request is larger than any server's here and flattens every figure towards its limit.

    .venv/bin/python bench/http_bench.py [--client wrk|python] [--seconds 2] [--rounds 5]
                                         [--concurrency 8] [--release DIR]

Without --release it builds the current sources into a temporary folder first.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from digigov_lod.build import build  # noqa: E402
from digigov_lod.config import Settings  # noqa: E402
from digigov_lod.release import DUMP_STEM, Release  # noqa: E402
from digigov_lod.sparql.examples import load_examples  # noqa: E402

BIN = Path(sys.executable).parent
WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")
ACCEPT_RESULTS = "application/sparql-results+json"


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
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Target:
    """A server and what to ask it: ``paths`` in turn, with ``fresh`` each followed by a number that is
    new for every request."""

    port: int
    paths: list[str]
    accept: str = ""
    fresh: bool = False

    def path_at(self, i: int) -> str:
        path = self.paths[i % len(self.paths)]
        return f"{path}{i}" if self.fresh else path


def python_load(target: Target, seconds: float, concurrency: int, start: int = 0) -> Figures:
    """``concurrency`` keep-alive clients in Python threads; client n asks for path_at(start + n + k·concurrency)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"Accept": target.accept} if target.accept else {}

    def client(offset: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
        mine: list[float] = []
        failed = 0
        i = start + offset
        while time.monotonic() < stop_at:
            path = target.path_at(i)
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
                connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
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
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [float("nan")]
    return Figures(
        len(latencies) / elapsed,
        ordered[int(0.5 * (len(ordered) - 1))],
        ordered[int(0.99 * (len(ordered) - 1))],
        errors,
    )


def wrk_load(target: Target, seconds: float, concurrency: int, start: int = 0) -> Figures:
    """The same load from wrk: 2 threads sharing ``concurrency`` keep-alive connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as paths:
        paths.write("\n".join(target.paths) + "\n")
        paths.flush()
        env = {**os.environ, "BENCH_PATHS": paths.name, "BENCH_ACCEPT": target.accept,
               "BENCH_FRESH": "1" if target.fresh else "0", "BENCH_START": str(start)}  # fmt: skip
        run = subprocess.run(
            ["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
             "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{target.port}"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return Figures(figures["requests"] / figures["seconds"], figures["p50_ms"], figures["p99_ms"], figures["errors"])


@dataclass
class Compared:
    """Each target's median round, and each target's throughput relative to the last target's."""

    figures: list[Figures]
    ratios: list[float]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.load = wrk_load if args.client == "wrk" else python_load

    def interleaved(self, targets: list[Target], seconds: float | None = None) -> Compared:
        """Short rounds that take turns between the targets, so that the machine's drifting speed
        (it is shared) hits every server alike; ratios are the median of the round-by-round ratios."""
        rounds: list[list[Figures]] = [[] for _ in targets]
        for n in range(self.args.rounds):
            for target, figures in zip(targets, rounds, strict=True):
                span = seconds or self.args.seconds
                figures.append(self.load(target, span, self.args.concurrency, n * 1_000_000))
        reference = rounds[-1]
        ratios = [statistics.median(a.rps / b.rps for a, b in zip(f, reference, strict=True)) for f in rounds]
        medians = [sorted(f, key=lambda x: x.rps)[len(f) // 2] for f in rounds]
        return Compared(medians, ratios)


def row(name: str, compared: Compared, index: int = 0) -> str:
    ours, theirs = compared.figures[index], compared.figures[-1]
    return (
        f"| {name} | {ours.rps:,.0f} | {ours.p50_ms:.1f} | {ours.p99_ms:.1f} | "
        f"{theirs.rps:,.0f} | {theirs.p50_ms:.1f} | {theirs.p99_ms:.1f} | {compared.ratios[index]:.2f}× |"
        + (f" errors {ours.errors}/{theirs.errors}" if ours.errors or theirs.errors else "")
    )


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def gunicorn(port: int, app: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
    """gunicorn with the production settings (``make run``), without an access log."""
    return start(
        [str(BIN / "gunicorn"), "--config", "python:digigov_lod.web.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", *extra, app],
        {**env, "DIGIGOV_ACCESS_LOG": ""},
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per measurement")
    parser.add_argument("--release", type=Path, help="an existing release folder")
    parser.add_argument("--unseen-only", action="store_true", help="only the rows of queries no cache has seen")
    args = parser.parse_args()
    bench = Bench(args)

    workdir = Path(tempfile.mkdtemp(prefix="digigov-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        release_path = args.release or build(Settings(project_root=ROOT, release_dir=workdir / "dist"))
        release = Release.open(release_path)
        ours_port, ceiling_port, oxigraph_port, static_port = (free_port() for _ in range(4))
        processes.append(gunicorn(ours_port, "digigov_lod.web.asgi:create_asgi_app_from_environment()",
                                  {"DIGIGOV_RELEASE_DIR": str(release_path)}))  # fmt: skip
        processes.append(gunicorn(ceiling_port, "fixed_response_app:app", {}, "--pythonpath", str(ROOT / "bench")))
        store = workdir / "oxigraph"
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(store),
                        "--file", str(release_path / f"{DUMP_STEM}.nt")], check=True, capture_output=True)  # fmt: skip
        processes.append(start([str(BIN / "oxigraph"), "serve-read-only", "--location", str(store),
                                "--bind", f"127.0.0.1:{oxigraph_port}"]))  # fmt: skip
        static_root = workdir / "static"
        static_root.mkdir()
        shutil.copy(release_path / f"{DUMP_STEM}.ttl", static_root)
        processes.append(start([sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1",
                                "--directory", str(static_root)]))  # fmt: skip
        for port in (ours_port, ceiling_port, oxigraph_port, static_port):
            wait_until_up(port)

        examples = load_examples()
        texts = [q.text for q in examples]
        print(f"release {release.version}: {release.manifest['triples']} triples; {len(examples)} example queries;")
        print(f"load from {args.client}, concurrency {args.concurrency}; {args.rounds} interleaved rounds of "
              f"{args.seconds:g} s per server and workload (median shown); {os.cpu_count()} cores shared with "
              "the load generator\n")  # fmt: skip
        print("| workload | measured req/s | p50 ms | p99 ms | reference req/s | p50 ms | p99 ms | ratio |")
        print("|---|---|---|---|---|---|---|---|")

        def queries(port: int, endpoint: str, chosen: list[str]) -> Target:
            return Target(port, [f"{endpoint}?query={urllib.parse.quote(t)}" for t in chosen], ACCEPT_RESULTS)

        ours, theirs = queries(ours_port, "/sparql", texts), queries(oxigraph_port, "/query", texts)
        for target in (ours, theirs):  # warm up: every example once in every process
            bench.load(target, 1.0, args.concurrency)
        mixed = bench.interleaved([ours, queries(ceiling_port, "/sparql", texts), theirs])
        print(row("all example queries (mixed) vs Oxigraph server", mixed, 0))
        print(row("gunicorn alone (fixed answer, no application) vs Oxigraph server", mixed, 1))
        for example in [] if args.unseen_only else examples[:5]:
            single = bench.interleaved(
                [queries(ours_port, "/sparql", [example.text]), queries(oxigraph_port, "/query", [example.text])],
                args.seconds / 2,
            )
            print(row(f"query {example.id} vs Oxigraph server", single))

        commented = urllib.parse.quote(texts[0] + "\n# ")  # a new comment every time: no cache can answer
        uncached = bench.interleaved(
            [Target(ours_port, [f"/sparql?query={commented}"], ACCEPT_RESULTS, fresh=True),
             Target(oxigraph_port, [f"/query?query={commented}"], ACCEPT_RESULTS, fresh=True)]
        )  # fmt: skip
        print(row("uncached: query 01 with a new comment each time vs Oxigraph server", uncached))
        unseen = [urllib.parse.quote(text + "\n# ") for text in texts[:8]]
        several = bench.interleaved(
            [Target(ours_port, [f"/sparql?query={q}" for q in unseen], ACCEPT_RESULTS, fresh=True),
             Target(oxigraph_port, [f"/query?query={q}" for q in unseen], ACCEPT_RESULTS, fresh=True)]
        )  # fmt: skip
        print(row(f"uncached: {len(unseen)} example queries, each with a new comment vs Oxigraph server", several))
        if args.unseen_only:
            return
        downloads = bench.interleaved(
            [Target(ours_port, [f"/download/{DUMP_STEM}.ttl"]), Target(static_port, [f"/{DUMP_STEM}.ttl"])]
        )
        print(row(f"download {DUMP_STEM}.ttl vs python http.server", downloads))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
