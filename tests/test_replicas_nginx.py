"""Two web replicas on one release behind nginx, with ``deploy/nginx-replicas.conf`` as shipped: both
answer, with the same bytes and ETags, a 304 from either, and no failed request when one stops."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from nginx_support import Nginx, start_nginx
from support import PROJECT_ROOT, LiveServer, free_port, start_server

from digigov_lod.release import Release

DEPLOY_CONF = PROJECT_ROOT / "deploy" / "nginx-replicas.conf"
#: Answers of every kind: pages, RDF (JSON-LD included), the catalog, a query answer, an embed, a dump.
SAMPLE = [
    "",
    "doc/event/digigov-2017",
    "doc/event/digigov-2017.jsonld",
    "doc/person/christian-guttmann.ttl",
    "catalog.jsonld",
    "sparql/examples/01-ministers-speaking-day-2?format=json",
    "embed/event/digigov-2017?depth=1",
    "download/digigov-2017.jsonld",
    "sitemap.xml",
]


@pytest.fixture(scope="module")
def replicas(release: Release) -> Iterator[list[LiveServer]]:
    servers = [start_server(release.path), start_server(release.path)]  # as `make run` starts it
    yield servers
    for server in servers:
        if server.process.poll() is None:
            server.stop()


@pytest.fixture(scope="module")
def front(replicas: list[LiveServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    port = free_port()
    conf = DEPLOY_CONF.read_text()
    for default, server in zip(("127.0.0.1:8001", "127.0.0.1:8002"), replicas, strict=True):
        conf = conf.replace(default, server.url.removeprefix("http://").rstrip("/"))
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    nginx = start_nginx(tmp_path_factory.mktemp("replicas-nginx"), port, conf)
    yield nginx
    nginx.stop()


def _upstreams(nginx: Nginx) -> list[str]:
    return [line.rsplit(" ", 1)[1] for line in nginx.log("access.log").splitlines() if line.strip()]


def test_requests_are_spread_over_both_replicas(front: Nginx, replicas: list[LiveServer]) -> None:
    before = len(_upstreams(front))
    with requests.Session() as session:
        for _ in range(10):
            assert session.get(front.url + "programme", timeout=10).status_code == 200
    used = _upstreams(front)[before:]
    for server in replicas:
        address = server.url.removeprefix("http://").rstrip("/")
        assert used.count(address) >= 4, used


def test_links_name_the_host_the_client_asked_for(front: Nginx) -> None:
    page = requests.get(front.url + "doc/event/digigov-2017", timeout=10).text
    assert f'href="{front.url}doc/event/digigov-2017.ttl"' in page


@pytest.mark.parametrize("path", SAMPLE)
@pytest.mark.parametrize("encoding", ["identity", "br"])
def test_replicas_answer_the_same_bytes_and_etag(replicas: list[LiveServer], path: str, encoding: str) -> None:
    headers = {"Accept-Encoding": encoding, "Host": "data.example.org"}
    first, second = (requests.get(s.url + path, headers=headers, timeout=10) for s in replicas)
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.content == second.content


@pytest.mark.parametrize("path", SAMPLE)
def test_an_etag_from_one_replica_gets_304_from_the_other(replicas: list[LiveServer], path: str) -> None:
    one, other = replicas
    host = {"Host": "data.example.org"}  # as nginx passes it: the sitemap's ETag names the host
    etag = requests.get(one.url + path, headers=host, timeout=10).headers["ETag"]
    again = requests.get(other.url + path, headers={**host, "If-None-Match": etag}, timeout=10)
    assert again.status_code == 304
    assert again.headers["ETag"] == etag


def test_a_stopped_replica_fails_no_request(front: Nginx, replicas: list[LiveServer]) -> None:
    """Runs last: stops the first replica; nginx sends every request to the other."""
    replicas[0].stop()
    with requests.Session() as session:
        for index in range(20):
            page = session.get(front.url + "doc/event/digigov-2017", timeout=10)
            query = session.post(
                front.url + "sparql",
                data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {index}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=10,
            )
            assert page.status_code == 200
            assert query.status_code == 200 and query.json()["results"]["bindings"]
    survivor = replicas[1].url.removeprefix("http://").rstrip("/")
    assert _upstreams(front)[-5:] == [survivor] * 5


def test_deploy_conf_is_valid_for_nginx(tmp_path: Path) -> None:
    """The shipped file as it stands (ports 8001/8002) passes ``nginx -t``."""
    import subprocess

    conf = tmp_path / "nginx.conf"
    shipped = DEPLOY_CONF.read_text().replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    conf.write_text(
        f"pid {tmp_path}/pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\naccess_log off;\n{shipped}\n}}\n"
    )
    error_log = str(tmp_path / "error.log")
    check = subprocess.run(["/usr/sbin/nginx", "-t", "-c", str(conf), "-e", error_log], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
