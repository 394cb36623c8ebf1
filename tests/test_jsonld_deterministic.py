"""JSON-LD is the same bytes in every process: embeds and resource pages carry an ETag that only
depends on the release and the code, so two servers (or two workers) must send identical bodies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from support import LiveServer, start_server

from digigov_lod.jsonld.embed import _tidy
from digigov_lod.release import Release

THINGS = ("event/digigov-2017", "person/lena-micko", "organization/sambruk")
RENDER = """
import sys
from pathlib import Path
from digigov_lod.jsonld import Options, json_text, snippet
from digigov_lod.release import Release
release = Release.open(Path(sys.argv[1]))
graph = release.load_graph()
for thing in sys.argv[2:]:  # the deep full event (three seconds) adds no kind of array the others lack
    for depth, variant in ((0, "embed"), (0, "full"), (1, "embed"), (1, "full"), (5, "embed")):
        print(json_text(snippet(graph, release.base_iri + "id/" + thing, Options(variant, "en", depth))))
"""


def _render(release: Release, seed: str) -> str:
    """The snippets made in a fresh process with Python's hash seed ``seed``."""
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(release.path), *THINGS],
        env={"PYTHONHASHSEED": seed, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_two_processes_make_the_same_snippets(release: Release) -> None:
    first = _render(release, "1")
    assert '"performer": [' in first  # there are arrays to order
    assert _render(release, "2") == first  # a set's order differs between these two seeds (checked when written)


def test_arrays_are_sorted_but_lists_keep_their_order() -> None:
    tidy = _tidy({"name": ["b", "a"], "about": [{"id": "y"}, {"id": "x"}], "steps": {"@list": ["2", "1"]}})
    assert tidy["name"] == ["a", "b"]
    assert tidy["about"] == [{"@id": "x"}, {"@id": "y"}]
    assert tidy["steps"] == {"@list": ["2", "1"]}


@pytest.fixture(scope="module")
def two_servers(release: Release) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two servers on the same release whose processes hash strings differently."""
    one = start_server(release.path, PYTHONHASHSEED="1")
    try:
        two = start_server(release.path, PYTHONHASHSEED="2")
    except BaseException:
        one.stop()
        raise
    yield one, two
    one.stop()
    two.stop()


@pytest.mark.parametrize(
    "path",
    [
        "embed/event/digigov-2017",
        "embed/event/digigov-2017?depth=1&lang=en",
        "embed/person/lena-micko?variant=full",
        "doc/event/digigov-2017.html",
        "doc/person/lena-micko.html",
        "doc/event/digigov-2017.jsonld",
    ],
)
def test_two_servers_send_the_same_bytes_under_the_same_etag(
    two_servers: tuple[LiveServer, LiveServer], path: str
) -> None:
    headers = {"Accept-Language": "sv", "Accept-Encoding": "identity", "Host": "lod.example"}  # links name the host
    one, two = (requests.get(server.url + path, headers=headers, timeout=30) for server in two_servers)
    assert one.status_code == two.status_code == 200
    assert one.headers["ETag"] == two.headers["ETag"]
    assert one.content == two.content
