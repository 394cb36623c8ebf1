"""Latency of simple queries while runaway queries hold engines (the warm spare engine's job).

Starts the production server (gunicorn, as `make run` does) on a release, keeps ``--runaways``
clients sending queries that run into the time limit, and meanwhile sends distinct simple queries
one after another, each on a new connection (so that they spread over the web processes as
clients' do). Prints p50/p99/max latency of the simple queries and how many did not answer 200.

    .venv/bin/python bench/engine_spare.py [--release DIR] [--runaways 6] [--seconds 20]
                                           [--timeout 3] [--web-workers 2]

Without --release it builds the current sources into a temporary folder first.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from digigov_lod.build import build  # noqa: E402
from digigov_lod.config import Settings  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o } # %d"
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # %d"  # distinct, so that no answer comes from memory


def start_server(release: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """gunicorn as `make run` starts it, on a free port; waits (patiently: the machine may be busy)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:digigov_lod.web.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "digigov_lod.web.asgi:create_asgi_app_from_environment()"],
        env={**os.environ, "DIGIGOV_RELEASE_DIR": str(release), "DIGIGOV_ACCESS_LOG": "", **env},
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url, timeout=10)
            return process, url
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path)
    parser.add_argument("--runaways", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=3, help="DIGIGOV_QUERY_TIMEOUT of the server")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    release = args.release
    if release is None:
        release = Path(tempfile.mkdtemp(prefix="engine-spare-")) / "dist"
        build(Settings(project_root=ROOT).with_overrides(release_dir=release))
    server, base = start_server(
        release, DIGIGOV_QUERY_TIMEOUT=str(args.timeout), DIGIGOV_WEB_WORKERS=str(args.web_workers)
    )
    counter = itertools.count()
    url = base + "sparql"

    def ask(query: str) -> int:
        try:
            return requests.get(url, params={"query": query}, headers={"Accept": "text/csv"}, timeout=120).status_code
        except requests.ConnectionError:  # the server stopping under a runaway client at the end
            return 0

    stop = threading.Event()

    def runaway() -> None:
        while not stop.is_set():
            ask(RUNAWAY % next(counter))

    try:
        for _ in range(20):  # every web process starts its engines on its first query
            ask(SIMPLE % next(counter))
        time.sleep(2)
        clients = [threading.Thread(target=runaway, daemon=True) for _ in range(args.runaways)]
        for client in clients:
            client.start()
        time.sleep(1)
        latencies: list[float] = []
        failed = 0
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            failed += ask(SIMPLE % next(counter)) != 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.02)
        stop.set()
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"{len(latencies)} simple queries beside {args.runaways} runaways "
            f"({args.web_workers} web processes, time limit {args.timeout:g} s): "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms, not 200: {failed}"
        )
    finally:
        stop.set()
        server.send_signal(signal.SIGINT)
        server.wait(30)


if __name__ == "__main__":
    main()
