"""When the engine fails during a page's own queries, the page answers through the central error
handler with the engine's status (503 with Retry-After, 502), in the reader's language, never a bare 500."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests
from support import LiveServer, free_port, start_server

from digigov_lod.config import Settings
from digigov_lod.messages import Message
from digigov_lod.release import Release
from digigov_lod.sparql.engine import PoolBusy, QueryAnswer, QueryJob, QueryTimeout
from digigov_lod.sparql.store import Store
from digigov_lod.web import create_app

PAGES = ("doc/event/digigov-2017", "id/person/lena-micko", "doc/person/lena-micko.ttl")


class Garbage(http.server.BaseHTTPRequestHandler):
    """An "endpoint" that answers every query with a login page."""

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.end_headers()
        self.wfile.write(b"<html>a login page</html>")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def garbage_endpoint() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()


def _server(release: Release, endpoint: str) -> Iterator[LiveServer]:
    server = start_server(release.path, DIGIGOV_SPARQL_ENDPOINT=endpoint)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def without_engine(release: Release) -> Iterator[LiveServer]:
    yield from _server(release, f"http://127.0.0.1:{free_port()}/sparql")  # nothing listens there


@pytest.fixture(scope="module")
def with_garbage_engine(release: Release, garbage_endpoint: str) -> Iterator[LiveServer]:
    yield from _server(release, garbage_endpoint)


@pytest.mark.parametrize("path", PAGES)
def test_an_unreachable_engine_makes_pages_503_with_retry_after(without_engine: LiveServer, path: str) -> None:
    for lang, said in (("en", "cannot be reached"), ("sv", "går inte att nå")):
        response = requests.get(
            without_engine.url + path,
            headers={"Accept": "text/html", "Accept-Language": lang},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) >= 1
        assert said in response.text
        assert "Traceback" not in response.text and "127.0.0.1:" not in response.text


@pytest.mark.parametrize("path", PAGES)
def test_an_engine_that_answers_garbage_makes_pages_502(with_garbage_engine: LiveServer, path: str) -> None:
    response = requests.get(with_garbage_engine.url + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 502, response.text
    assert "Retry-After" not in response.headers
    assert "Traceback" not in response.text and "login page" not in response.text


def test_the_start_page_and_the_downloads_need_no_engine(without_engine: LiveServer) -> None:
    for path in ("", "download/", "catalog.ttl"):
        assert requests.get(without_engine.url + path, timeout=30).status_code == 200, path


def test_a_start_page_without_the_engine_is_neither_kept_nor_validated(without_engine: LiveServer) -> None:
    """It lacks the programme and the indexes: once the engine is back the whole page must be served."""
    for _ in range(2):  # the second time too: a replay of the first would carry its headers
        response = requests.get(without_engine.url, headers={"Accept-Language": "en"}, timeout=30)
        assert response.status_code == 200
        assert "ETag" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert "/browse/people" not in response.text and "/catalog" in response.text


class AlwaysBusy:
    """An engine whose workers are all taken (what the pool raises after waiting its time limit)."""

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        raise PoolBusy(Message("Every query engine is busy.", "Alla frågemotorer är upptagna."))

    def close(self) -> None:
        pass


def test_a_busy_pool_makes_a_page_503_with_retry_after(release: Release, project_settings: Settings) -> None:
    app = create_app(project_settings.with_overrides(query_timeout_s=3.5), release.path, response_cache=False)
    site = app.extensions["digigov"]
    site.store = Store(release, site.settings, engine=AlwaysBusy())  # the same release, a busy engine
    response = app.test_client().get("/doc/event/digigov-2017", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "4"
    assert "busy" in response.get_data(as_text=True)


class AlwaysTooSlow:
    """An engine that stops every query at the time limit (a release too large for the start page's queries)."""

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        raise QueryTimeout(Message("The query took too long.", "Frågan tog för lång tid."))

    def close(self) -> None:
        pass


@pytest.mark.parametrize("engine", [AlwaysBusy(), AlwaysTooSlow()], ids=["busy", "too-slow"])
def test_the_start_page_without_its_queries_is_partial_and_not_validated(
    release: Release, project_settings: Settings, engine: AlwaysBusy | AlwaysTooSlow
) -> None:
    app = create_app(project_settings, release.path, response_cache=False)
    site = app.extensions["digigov"]
    site.store = Store(release, site.settings, engine=engine)
    response = app.test_client().get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "/catalog" in response.get_data(as_text=True)
