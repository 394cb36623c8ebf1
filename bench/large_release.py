"""How the server copes with a large release: start-up time, memory per process, resource-page latency.

Builds a release of N copies of the report (``bench/corpus.py``'s generator; or takes one already
built with --release), starts gunicorn as ``make run`` does, and prints

- start-up: seconds until the server answers at all, and until it has answered its first resource page;
- RSS of every web process and every engine process (after the sample, after the start page);
- the first time of each page made from more than one resource (start page, programme, indexes,
  vocabulary, the conference's deep embed);
- resource-page latency p50/p99 over a sample of distinct pages (each asked once, so the response
  cache never answers), one request at a time, after a warm-up of 20 other pages;
- two whole dumps downloaded, and the RSS after them (a download is streamed, not read into memory).

``--src`` runs another checkout's code on the same release (e.g. ``--src ../main/src`` for a figure
"before"), so two versions can be measured on one machine, one after the other.

    .venv/bin/python bench/large_release.py --copies 100
    .venv/bin/python bench/large_release.py --release /tmp/c100/dist --pages 300 [--src ../main/src]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

#: Pages asked before the sample, not counted: each web process starts its engines on its first query.
WARM_UP = 20
#: Pages made from more than one resource's data: each asked once (the first time is the cost; then the
#: response cache answers).
WHOLE_DATA_PAGES = ("/", "/programme", "/browse/", "/browse/people", "/vocabulary", "/embed/event/digigov-2017")
#: Dumps downloaded after the sample: web processes should not grow by their size (they are streamed).
DOWNLOADS = ("digigov-2017.nt", "digigov-2017.ttl")
THING = re.compile(rb"^<(https?://[^>]+/)id/([a-z]+/[^>]+)> ", re.MULTILINE)


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def get(self, path: str, timeout: float = 60) -> tuple[int, float]:
        """Status and seconds of one GET (HTML, Swedish), on a new connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "text/html", "Accept-Language": "sv"})
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        finally:
            connection.close()

    def download(self, path: str) -> tuple[int, int, float]:
        """Status, bytes and seconds of one download, read in chunks (the client keeps none of it)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = connection.getresponse()
            size = 0
            while chunk := response.read(1 << 20):
                size += len(chunk)
            return response.status, size, time.perf_counter() - started
        finally:
            connection.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_release(copies: int, folder: Path) -> Path:
    """N copies of the report, validated and built as ``make build`` does."""
    write_corpus(copies, folder)
    cli = str(Path(sys.executable).with_name("digigov-lod"))
    started = time.perf_counter()
    subprocess.run([cli, "build", "--release", str(folder / "dist")], cwd=folder, check=True, capture_output=True)
    print(f"built {copies} copies in {time.perf_counter() - started:.0f} s", flush=True)
    return folder / "dist"


@contextmanager
def serving(release: Path, src: Path | None) -> Iterator[Server]:
    """gunicorn with the production configuration (two web processes unless DIGIGOV_WEB_WORKERS says otherwise)."""
    port = free_port()
    env = {**os.environ, "DIGIGOV_RELEASE_DIR": str(release), "DIGIGOV_ACCESS_LOG": ""}
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", "python:digigov_lod.web.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
        "digigov_lod.web.asgi:create_asgi_app_from_environment()",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL)
    try:
        yield Server(process, port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(server: Server, path: str, seconds: float = 600) -> float:
    """Seconds until ``path`` answers 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if server.process.poll() is not None:
            sys.exit("the server exited")
        try:
            if server.get(path, timeout=seconds)[0] == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{path} did not answer within {seconds:g} s")


def processes(root: int) -> dict[str, list[tuple[int, float]]]:
    """The server's processes by kind with their RSS in MB: ``master``, ``web`` (its children), ``engine``
    (``sparql-worker`` processes) and ``helper`` (other descendants: the engines' fork server and the like)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found: dict[str, list[tuple[int, float]]] = {"master": [], "web": [], "engine": [], "helper": []}
    todo = [(root, "master")]
    while todo:
        pid, kind = todo.pop()
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            rss_kb = next(
                int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )  # fmt: skip
        except (OSError, StopIteration):
            continue
        kind = "engine" if name == "sparql-worker" else kind
        found[kind].append((pid, rss_kb / 1024))
        todo.extend((child, "web" if kind == "master" else "helper") for child in children.get(pid, []))
    return found


def memory_line(server: Server, when: str) -> None:
    kinds = processes(server.process.pid)
    web = ", ".join(f"{mb:.0f}" for _, mb in sorted(kinds["web"]))
    engines = ", ".join(f"{mb:.0f}" for _, mb in sorted(kinds["engine"]))
    helpers = ", ".join(f"{mb:.0f}" for _, mb in sorted(kinds["helper"]))
    print(f"RSS MB {when}: web processes [{web}], engine processes [{engines}], helpers [{helpers}]", flush=True)


def sample_pages(release: Path, count: int, seed: int = 13) -> list[str]:
    """``count`` distinct resource pages of the release, chosen with a fixed seed."""
    things = sorted({m.group(2).decode() for m in THING.finditer((release / "digigov-2017.nt").read_bytes())})
    chosen = random.Random(seed).sample(things, min(count, len(things)))
    return [f"/doc/{thing}" for thing in chosen]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--release", type=Path, help="a release already built (skips the build)")
    parser.add_argument("--pages", type=int, default=300, help="resource pages in the sample")
    parser.add_argument("--src", type=Path, help="run the code of another checkout's src/ (before/after)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digigov-large-") as folder:
        release = args.release or build_release(args.copies, Path(folder))
        pages = sample_pages(release, args.pages)
        triples = sum(1 for _ in (release / "digigov-2017.nt").open("rb"))
        print(f"release {release}: {triples} triples; code {(args.src or ROOT / 'src').resolve()}", flush=True)
        with serving(release, args.src) as server:
            up = wait_for(server, "/robots.txt")
            first = wait_for(server, pages[0])
            print(f"start-up: answers after {up:.1f} s, first resource page after {up + first:.1f} s", flush=True)
            memory_line(server, "after the first page")
            for path in WHOLE_DATA_PAGES:
                status, seconds = server.get(path)
                print(f"{path}: {status} in {seconds * 1000:.0f} ms (the first time)", flush=True)
            warm = [server.get(path)[1] * 1000 for path in pages[1 : 1 + WARM_UP]]
            print(f"warm-up: {len(warm)} pages, slowest {max(warm):.0f} ms (both web processes start engines)")
            timed: dict[str, float] = {}
            for path in pages[1 + WARM_UP :]:
                status, seconds = server.get(path)
                if status != 200:
                    sys.exit(f"{path} answered {status}")
                timed[path] = seconds * 1000
            times = list(timed.values())
            print(
                f"resource pages ({len(times)} distinct, one at a time): p50 {statistics.median(times):.1f} ms, "
                f"p99 {percentile(times, 0.99):.1f} ms, mean {statistics.fmean(times):.1f} ms",
                flush=True,
            )
            slowest = sorted(timed.items(), key=lambda item: -item[1])[:5]
            print("slowest pages: " + ", ".join(f"{path} {ms:.0f} ms" for path, ms in slowest), flush=True)
            memory_line(server, "after the sample")
            for name in DOWNLOADS:
                status, size, seconds = server.download(f"/download/{name}")
                print(f"download {name}: {status}, {size / 1e6:.0f} MB in {seconds:.1f} s", flush=True)
            memory_line(server, "after the downloads")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
