"""Where one unseen query's time goes in our stack, stage by stage, measured in-process.

The machine is shared, so wall-clock throughput drifts; CPU per request (``process_time``) over
thousands of requests does not. Each stage is timed on its own, as many times as ``--requests``,
every time with a query text no cache has seen (example query 01 with a new comment):

- ``pyoxigraph``: the engine itself, in this process (parse, evaluate, serialise to SPARQL JSON);
- ``pickle``: the job and the answer through pickle, as the pipe to an engine process carries them;
- ``engine round trip``: the worker pool: pipe to an engine process and back (engine included);
- ``guard``: :func:`digigov_lod.sparql.guard.inspect`;
- ``flask``: the Flask application called as WSGI (view, guard, service, engine, headers);
- ``asgi front``: the production ASGI application (front, fast path or bridge, everything behind
  it), driven by an in-process ASGI server stub: everything but gunicorn's HTTP parsing;
- ``asgi front, no fast path``: the same with every query handed to Flask through the bridge.

gunicorn's own cost per request (HTTP parsing, the asyncio protocol) is the "gunicorn alone" row
of ``bench/http_bench.py``. Wall time is per request; CPU time counts this process only, except
that the engine process's CPU is outside it (the round trip's wall time includes it).

    .venv/bin/python bench/unseen_stages.py [--requests 2000] [--release DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import pickle
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from digigov_lod.build import build  # noqa: E402
from digigov_lod.config import Settings  # noqa: E402
from digigov_lod.sparql.dataset import graph_sources  # noqa: E402
from digigov_lod.sparql.embedded import execute, load_store  # noqa: E402
from digigov_lod.sparql.engine import QueryJob  # noqa: E402
from digigov_lod.sparql.examples import load_examples  # noqa: E402
from digigov_lod.sparql.guard import inspect  # noqa: E402
from digigov_lod.web import asgi  # noqa: E402
from digigov_lod.web.site import Site  # noqa: E402

ACCEPT = "application/sparql-results+json"


def timed(name: str, count: int, step: Callable[[int], object]) -> tuple[str, float, float]:
    """Mean wall and CPU milliseconds of ``step(i)`` over ``count`` calls (after a short warm-up)."""
    for i in range(min(50, count)):
        step(-1 - i)
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        step(i)
    return name, (time.perf_counter() - wall) * 1000 / count, (time.process_time() - cpu) * 1000 / count


def asgi_request(app: asgi.ReplayingFront, query: str) -> Callable[[], object]:
    """One GET /sparql?query=… through ``app``, as gunicorn's asgi worker would call it."""
    scope = {
        "type": "http", "method": "GET", "path": "/sparql", "raw_path": b"/sparql", "http_version": "1.1",
        "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000), "root_path": "",
        "query_string": ("query=" + urllib.parse.quote(query)).encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", ACCEPT.encode())],
    }  # fmt: skip
    statuses: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def call() -> None:
        await app(scope, receive, send)
        if statuses != [200]:
            raise RuntimeError(f"status {statuses} for {query!r}")

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--release", type=Path, help="an existing release folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="digigov-stages-"))
    try:
        release_path = args.release or build(Settings(project_root=ROOT, release_dir=workdir / "dist"))
        settings = Settings(project_root=ROOT, release_dir=release_path)
        text = load_examples()[0].text + "\n# "
        n = args.requests
        rows = []

        app = asgi.create_asgi_app(settings, release_path)
        flask = asgi_site_app(app)
        site: Site = flask.extensions["digigov"]  # type: ignore[attr-defined]
        service = site.store.service
        prefixes = service.prefixes
        job = QueryJob(text, "SELECT", "json", settings.max_result_rows, prefixes=prefixes, base_iri=service.base_iri)
        store = load_store(graph_sources(site.release))
        answer = execute(store, job)
        rows.append(timed("pyoxigraph (in this process)", n, lambda i: execute(store, with_text(job, f"{text}{i}"))))
        rows.append(timed("pickle job + answer", n, lambda i: pickle.loads(pickle.dumps(job)) and
                          pickle.loads(pickle.dumps(("ok", answer)))))  # fmt: skip
        service.pool.run(job, 5.0)
        rows.append(
            timed("engine round trip (pool.run)", n, lambda i: service.pool.run(with_text(job, f"{text}r{i}"), 5))
        )
        loop = asyncio.new_event_loop()
        rows.append(
            timed("engine round trip (pool.run_async, on the event loop)", n,
                  lambda i: loop.run_until_complete(service.pool.run_async(with_text(job, f"{text}s{i}"), 5)))
        )  # fmt: skip
        rows.append(timed("guard (inspect)", n, lambda i: inspect(f"{text}g{i}", dict(prefixes))))

        rows.append(timed("flask (WSGI call: view, guard, service, engine)", n,
                          lambda i: wsgi_get(flask, f"{text}f{i}")))  # fmt: skip
        rows.append(timed("asgi front (all but gunicorn's HTTP)", n,
                          lambda i: loop.run_until_complete(asgi_request(app, f"{text}a{i}")())))  # fmt: skip
        if hasattr(app.app, "fallback"):
            plain = asgi.ReplayingFront(app.app.fallback, app.store, app.max_body_bytes)  # type: ignore[attr-defined]
            rows.append(timed("asgi front, no fast path (bridge + Flask)", n,
                              lambda i: loop.run_until_complete(asgi_request(plain, f"{text}b{i}")())))  # fmt: skip
        loop.close()
        print(f"{n} unseen requests per stage (example query 01 with a new comment each time)\n")
        print("| stage | wall ms/request | CPU ms/request (this process) |")
        print("|---|---|---|")
        for name, wall, cpu in rows:
            print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
        service.pool.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def asgi_site_app(app: object) -> Callable:
    """The Flask application behind the ASGI layers (for calling it as plain WSGI)."""
    while not hasattr(app, "extensions"):
        app = getattr(app, "fallback", None) or app.app  # type: ignore[attr-defined]
    return app  # type: ignore[return-value]


def with_text(job: QueryJob, text: str) -> QueryJob:
    return QueryJob(text, job.form, job.format_key, job.max_rows, prefixes=job.prefixes, base_iri=job.base_iri)


def wsgi_get(app: Callable, query: str) -> bytes:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
        "QUERY_STRING": "query=" + urllib.parse.quote(query), "HTTP_ACCEPT": ACCEPT,
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{status[0]} for {query!r}")
    return body


if __name__ == "__main__":
    main()
