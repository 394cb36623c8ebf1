"""Plain queries answered on the event loop (web/sparql_fast.py) get exactly the view's answer.

Each request goes once through the fast path and once straight to the application behind it (the
thread bridge and Flask); status, headers and body must be the same, except the Date header.
Anything unusual must reach the application untouched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from digigov_lod.config import Settings
from digigov_lod.release import Release
from digigov_lod.web.asgi import create_asgi_app
from digigov_lod.web.sparql_fast import SparqlFastPath

SELECT = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 5"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


class Counting:
    """The application behind the fast path, counting the requests that reach it."""

    def __init__(self, app: Any) -> None:
        self.app, self.calls = app, 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def fast(release: Release, project_settings: Settings) -> Iterator[SparqlFastPath]:
    settings = project_settings.with_overrides(query_timeout_s=1.0)
    path = create_asgi_app(settings, release.path).app
    assert isinstance(path, SparqlFastPath)
    path.fallback = Counting(path.fallback)
    service = path.site.store.service
    service.answer("ASK {}", service.plan("ASK {}"), "json")  # engines started: the fast path finds one idle
    yield path
    path.site.store.service.pool.close()


def call(app: Any, method: str, query_string: str, headers: list[tuple[str, str]]) -> tuple[int, list, bytes]:
    scope = {
        "type": "http", "method": method, "scheme": "http", "path": "/sparql", "raw_path": b"/sparql",
        "query_string": query_string.encode(), "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
        "http_version": "1.1", "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")] + [(k.encode(), v.encode()) for k, v in headers],
    }  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    headers_sent = [(k, v) for k, v in start["headers"] if k != b"date"]
    return start["status"], headers_sent, b"".join(m.get("body", b"") for m in sent[1:])


PLAIN = [
    (f"query={quote(SELECT)}", [("accept", "application/sparql-results+json")]),
    (f"query={quote(SELECT)}", [("accept", "text/csv")]),
    (f"query={quote(SELECT)}&format=tsv", []),
    (f"query={quote(SELECT)}&output=xml", [("accept", "text/html")]),
    (f"query={quote(SELECT)}", [("accept", "*/*"), ("accept-encoding", "identity")]),
    (f"query={quote('ASK { ?s a schema:Person }')}", [("accept", "application/sparql-results+xml")]),
    (f"query={quote('CONSTRUCT WHERE { ?s a schema:Event } LIMIT 3')}", [("accept", "text/turtle")]),
    (f"query={quote('CONSTRUCT WHERE { ?s a schema:Event } LIMIT 3')}", [("accept", "application/ld+json")]),
    (f"query={quote('DESCRIBE <https://w3id.org/digigov-lod/id/event/digigov-2017>')}&format=nt", []),
    ("query=" + quote('SELECT ("Föreningen Sambruk ✓" AS ?x) {}'), [("accept", "application/json")]),
]


@pytest.mark.parametrize(("query_string", "headers"), PLAIN)
def test_plain_queries_get_the_views_answer(
    fast: SparqlFastPath, query_string: str, headers: list[tuple[str, str]]
) -> None:
    before = fast.fallback.calls  # type: ignore[attr-defined]
    answered = call(fast, "GET", query_string, headers)
    assert fast.fallback.calls == before  # type: ignore[attr-defined]
    assert answered == call(fast.fallback, "GET", query_string, headers)
    assert answered[0] == 200


UNUSUAL = [
    ("HEAD", f"query={quote(SELECT)}", []),
    ("GET", f"query={quote(SELECT)}", [("if-none-match", '"x"')]),
    ("GET", f"query={quote(SELECT)}", [("if-modified-since", "Wed, 21 Oct 2015 07:28:00 GMT")]),
    ("GET", f"query={quote(SELECT)}", [("range", "bytes=0-10")]),
    ("GET", f"query={quote(SELECT)}", [("accept-encoding", "gzip")]),
    ("GET", f"query={quote(SELECT)}", [("accept", "text/html")]),
    ("GET", f"query={quote(SELECT)}", [("accept", "text/csv"), ("accept", "application/json")]),
    ("GET", f"query={quote(SELECT)}", [("accept", "image/png")]),
    ("GET", f"query={quote(SELECT)}&download=1", []),
    ("GET", f"query={quote(SELECT)}&default-graph-uri=http%3A%2F%2Fexample.org%2Fg", []),
    ("GET", f"query={quote(SELECT)}&query=ASK%7B%7D", []),
    ("GET", "query=SELECT%20%FF", []),
    ("GET", "query=", []),
    ("GET", "", []),
    ("GET", f"query={quote('SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')}", []),
    ("GET", f"query={quote('SELECT * FROM <http://example.org/elsewhere> { ?s ?p ?o }')}", []),
    ("GET", f"query={quote('SELECT * WHERE { ?s ?p }')}", []),
    ("GET", f"query={quote('INSERT DATA { <a:b> <a:c> <a:d> }')}", []),
    ("GET", f"update={quote('CLEAR ALL')}", []),
    ("POST", f"query={quote(SELECT)}", []),
]


@pytest.mark.parametrize(("method", "query_string", "headers"), UNUSUAL)
def test_anything_else_reaches_the_view(
    fast: SparqlFastPath, method: str, query_string: str, headers: list[tuple[str, str]]
) -> None:
    before = fast.fallback.calls  # type: ignore[attr-defined]
    call(fast, method, query_string, headers)
    assert fast.fallback.calls == before + 1  # type: ignore[attr-defined]


def test_a_runaway_query_is_stopped_and_the_next_one_answered(fast: SparqlFastPath) -> None:
    """On the event loop too, the time limit holds: the engine is killed, the view says 503."""
    started = time.monotonic()
    status, _, body = call(fast, "GET", f"query={quote(RUNAWAY + ' # fast')}", [("accept", "application/json")])
    assert status == 503, body
    assert b"time limit" in body
    assert time.monotonic() - started < 10  # stopped at 1 s (and not run a second time by the view)
    before = fast.fallback.calls  # type: ignore[attr-defined]
    status, _, _ = call(fast, "GET", f"query={quote(SELECT + ' # after')}", [("accept", "text/csv")])
    assert status == 200
    assert fast.fallback.calls == before  # type: ignore[attr-defined]
