"""The static export: no broken link, the same answers as the live server, and nginx serving it with
the generated configuration (negotiation, languages, 303s, Vary) over real HTTP."""

from __future__ import annotations

import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from apache_support import Apache, start_apache
from nginx_support import Nginx, readable_by_server_workers, start_nginx
from rdflib import Graph
from rdflib.compare import isomorphic
from support import LiveServer, free_port

from digigov_lod.config import Settings
from digigov_lod.export import export
from digigov_lod.release import Release
from digigov_lod.static_links import links

#: Exporting the whole site takes two minutes of CPU: test_static_files.py holds the fast layer.
pytestmark = pytest.mark.slow

CONFERENCE = "doc/event/digigov-2017"
ACCEPTS = {
    "text/html": "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "text/html",
    "text/turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/n-triples": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def exported(release: Release) -> Iterator[tuple[Path, int]]:
    port = free_port()
    # a folder others may read: httpd's and nginx's workers do not run as the test's user under root
    out = Path(tempfile.mkdtemp(prefix="digigov-export-")) / "site"
    out.parent.chmod(0o755)
    settings = Settings(project_root=Path.cwd()).with_overrides(release_dir=release.path)
    export(settings, out, f"http://127.0.0.1:{port}/")
    readable_by_server_workers(out)
    yield out, port
    shutil.rmtree(out.parent)


@pytest.fixture(scope="module")
def nginx(exported: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    out, port = exported
    server = start_nginx(tmp_path_factory.mktemp("nginx"), port, f"include {out / 'nginx.conf'};")
    yield server
    server.stop()


def _internal_links(url: str, response: requests.Response, origin: str) -> list[str]:
    kind = response.headers.get("Content-Type", "")
    if kind.startswith("text/html"):
        targets = [link.target for link in links(response.text)]
    elif "xml" in kind and response.url.endswith("sitemap.xml"):
        targets = [loc.split("</loc>")[0].strip() for loc in response.text.split("<loc>")[1:]]
    else:
        return []
    found = []
    for target in targets:
        if target.startswith("#"):  # this page itself
            continue
        absolute = urljoin(url, target).split("#")[0]
        if absolute.startswith(origin):
            found.append(absolute)
    return found


def test_every_internal_link_resolves_and_pages_link_to_files(exported: tuple[Path, int], nginx: Nginx) -> None:
    """Crawl the export through nginx from the start page and the sitemap; links in pages must name
    files that exist, so that a static host without any configuration serves them too."""
    out, _ = exported
    origin = nginx.url.rstrip("/")
    queue = deque([nginx.url, nginx.url + "sitemap.xml"])
    seen: set[str] = set(queue)
    broken = []
    session = requests.Session()
    while queue:
        url = queue.popleft()
        response = session.get(url, allow_redirects=True, timeout=10)
        if response.status_code != 200:
            broken.append(f"{url}: {response.status_code}")
            continue
        from_page = response.headers.get("Content-Type", "").startswith("text/html")
        for link in _internal_links(url, response, origin):
            path = urlsplit(link).path
            if from_page and not (out / path.lstrip("/")).is_file():
                broken.append(f"{link} (in {url}) is no file of the export")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert not broken, "\n".join(broken[:30])
    assert len(seen) > 1000  # every page in both languages, every format, the query answers


def test_catalog_links_resolve(release: Release, nginx: Nginx) -> None:
    """Every download, landing page and service of the catalog, mapped from the base onto the export."""
    catalog = Graph().parse(data=requests.get(nginx.url + "catalog.ttl", timeout=10).text, format="turtle")
    targets = {str(o) for o in catalog.objects() if str(o).startswith(release.base_iri)}
    assert len(targets) > 5
    for target in sorted(targets):
        url = nginx.url + target[len(release.base_iri) :]
        answer = requests.get(url.split("#")[0], timeout=10)
        assert answer.status_code == 200, url


@pytest.mark.parametrize(
    "path",
    [
        f"{CONFERENCE}.ttl",
        f"{CONFERENCE}.jsonld",
        "doc/person/christian-guttmann.nt",
        "doc/person/christian-guttmann.rdf",
        "catalog.ttl",
        "catalog.rdf",
        ".well-known/void.ttl",
    ],
)
def test_rdf_files_hold_the_live_graphs(exported: tuple[Path, int], live_server: LiveServer, path: str) -> None:
    out, _ = exported
    live = requests.get(live_server.url + path, timeout=10)
    formats = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
    fmt = formats[path.rsplit(".", 1)[1]]
    assert isomorphic(Graph().parse(data=live.content, format=fmt), Graph().parse(out / path, format=fmt))


@pytest.mark.parametrize(
    ("live_path", "file"),
    [
        ("download/digigov-2017.ttl", "download/digigov-2017.ttl"),
        ("download/digigov-2017.nt.gz", "download/digigov-2017.nt.gz"),
        ("sparql/examples/01-ministers-speaking-day-2?format=csv", "sparql/examples/01-ministers-speaking-day-2.csv"),
        ("sparql/examples/01-ministers-speaking-day-2?format=json", "sparql/examples/01-ministers-speaking-day-2.srj"),
        ("embed/event/digigov-2017?lang=en", "embed/event/digigov-2017.en.jsonld"),
        ("pictures/timeline.svg?lang=en", "pictures/timeline.en.svg"),
    ],
)
def test_files_hold_the_live_bytes(
    exported: tuple[Path, int], live_server: LiveServer, live_path: str, file: str
) -> None:
    out, _ = exported
    live = requests.get(live_server.url + live_path, timeout=10, headers={"Accept-Encoding": "identity"})
    assert live.status_code == 200
    assert (out / file).read_bytes() == live.content


def _without_links(page: str) -> str:
    """A page with its link targets blanked: the export points them at files."""
    import re

    return re.sub(r'\s(href|src|action)="[^"]*"', "", page)


@pytest.mark.parametrize(("path", "lang"), [(CONFERENCE, "sv"), (CONFERENCE, "en"), ("programme", "en"), ("", "sv")])
def test_pages_are_the_live_pages(exported: tuple[Path, int], live_server: LiveServer, path: str, lang: str) -> None:
    out, _ = exported
    live = requests.get(live_server.url + path, headers={"Accept-Language": lang}, timeout=10)
    name = (path or "index") + f".{lang}.html"
    assert _without_links((out / name).read_text()) == _without_links(live.text)


def _vary(response: requests.Response) -> set[str]:
    return {h.strip().lower() for h in response.headers.get("Vary", "").split(",") if h.strip()} - {"accept-encoding"}


@pytest.mark.parametrize("accept", sorted(ACCEPTS))
@pytest.mark.parametrize("language", ["sv", "en", "en-GB,en;q=0.9,sv;q=0.5"])
def test_nginx_negotiates_as_the_live_server(nginx: Nginx, live_server: LiveServer, accept: str, language: str) -> None:
    headers = {"Accept": accept, "Accept-Language": language, "Accept-Encoding": "identity"}
    static = requests.get(nginx.url + CONFERENCE, headers=headers, timeout=10)
    live = requests.get(live_server.url + CONFERENCE, headers=headers, timeout=10)
    assert static.status_code == live.status_code == 200
    assert (
        static.headers["Content-Type"].replace(" ", "").lower() == live.headers["Content-Type"].replace(" ", "").lower()
    )
    assert _vary(static) == _vary(live)
    if ACCEPTS[accept] == "text/html":
        assert _without_links(static.text) == _without_links(live.text)
    else:
        fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}.get(
            ACCEPTS[accept], "xml"
        )
        assert isomorphic(Graph().parse(data=static.content, format=fmt), Graph().parse(data=live.content, format=fmt))


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("catalog", "*/*"),
        ("catalog", "text/turtle"),
        ("catalog", "application/ld+json"),
        ("catalog", "text/html"),
        (".well-known/void", "*/*"),
        (".well-known/void", "application/n-triples"),
        ("download/", "application/json"),
        ("sparql/examples/01-ministers-speaking-day-2", "text/csv"),
        ("sparql/examples/01-ministers-speaking-day-2", "application/sparql-results+json"),
        ("sparql", "text/turtle"),
        (CONFERENCE, "application/sparql-results+json"),  # 406 on both
        ("doc/event/no-such-event", "text/html"),  # 404 on both
    ],
)
def test_nginx_status_type_and_vary(nginx: Nginx, live_server: LiveServer, path: str, accept: str) -> None:
    _answers_as_live(nginx.url, live_server.url, path, {"Accept": accept, "Accept-Encoding": "identity"})


def _answers_as_live(static_url: str, live_url: str, path: str, headers: dict[str, str]) -> requests.Response:
    """The static server gives the live server's status and, on a 200, its media type and Vary."""
    static = requests.get(static_url + path, headers=headers, timeout=10)
    live = requests.get(live_url + path, headers=headers, timeout=10)
    assert static.status_code == live.status_code
    if live.status_code == 200:
        assert static.headers["Content-Type"].split(";")[0] == live.headers["Content-Type"].split(";")[0]
        assert _vary(static) == _vary(live)
    return static


@pytest.mark.parametrize(
    "path",
    ["id/event/digigov-2017", "id/person/christian-guttmann?lang=en", "def/performerRole", "graph/catalog"],
)
def test_nginx_answers_303_as_the_live_server(nginx: Nginx, live_server: LiveServer, path: str) -> None:
    static = requests.get(nginx.url + path, allow_redirects=False, timeout=10)
    live = requests.get(live_server.url + path, allow_redirects=False, timeout=10)
    assert static.status_code == live.status_code == 303
    assert static.headers["Location"] == live.headers["Location"]


def test_unknown_identifier_is_404_with_the_sites_page(nginx: Nginx) -> None:
    answer = requests.get(nginx.url + "id/person/nobody", headers={"Accept-Language": "en"}, timeout=10)
    assert answer.status_code == 404
    assert "text/html" in answer.headers["Content-Type"] and 'lang="en"' in answer.text


@pytest.fixture(scope="module")
def apache(exported: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apache]:
    """httpd on another port: links in the pages name nginx's port, so only single addresses are asked."""
    out, _ = exported
    server = start_apache(tmp_path_factory.mktemp("apache"), out, free_port())
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("path", "accept", "language"),
    [
        (CONFERENCE, "text/html", "en"),
        (CONFERENCE, "text/turtle", "sv"),
        (CONFERENCE, "application/json", "sv"),
        (CONFERENCE, "text/csv", "sv"),  # 406
        ("catalog", "*/*", "sv"),
        ("embed/event/digigov-2017", "*/*", "en"),
        ("sparql/examples/01-ministers-speaking-day-2", "text/csv", "sv"),
        pytest.param(
            "browse/",
            "text/html",
            "sv",
            marks=pytest.mark.xfail(reason="httpd adds Vary: Accept to a folder's index page; cause not found yet"),
        ),
        ("doc/event/no-such-event", "text/html", "sv"),  # 404
    ],
)
def test_apache_negotiates_as_the_live_server(
    apache: Apache, live_server: LiveServer, path: str, accept: str, language: str
) -> None:
    headers = {"Accept": accept, "Accept-Language": language, "Accept-Encoding": "identity"}
    static = _answers_as_live(apache.url, live_server.url, path, headers)
    if static.status_code == 200 and static.headers["Content-Type"].startswith("text/html"):
        assert f'lang="{language}"' in static.text


@pytest.mark.parametrize("path", ["id/event/digigov-2017", "def/performerRole", "graph/catalog", "id/person/nobody"])
def test_apache_answers_303_as_the_live_server(apache: Apache, live_server: LiveServer, path: str) -> None:
    static = requests.get(apache.url + path, allow_redirects=False, timeout=10)
    live = requests.get(live_server.url + path, allow_redirects=False, timeout=10)
    assert static.status_code == live.status_code
    if live.status_code == 303:  # httpd always sends an absolute Location
        assert urlsplit(static.headers["Location"]).path == live.headers["Location"]
