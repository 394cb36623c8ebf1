"""The publisher's redeploy: build a new release, point the served link at it, send SIGHUP.

gunicorn starts new workers, which open whatever the link points to by then, while the old ones
finish their requests; the listening sockets stay, so no client sees a refused connection.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests
from support import start_server

from digigov_lod.build import build
from digigov_lod.config import Settings
from digigov_lod.release import Release

OTHER_BASE = "https://example.org/redeployed/"


def served_version(url: str) -> str:
    """The release version, which every ETag of the site starts with."""
    response = requests.get(url + "download/", params={"format": "json"}, timeout=10)
    assert response.status_code == 200
    return response.headers["ETag"].strip('W/"').split("-")[0]


def test_sighup_serves_the_release_the_link_points_to_now(release: Release, project_settings: Settings,
                                                           tmp_path: Path) -> None:  # fmt: skip
    other = Release.open(build(project_settings.with_overrides(release_dir=tmp_path / "new", base_iri=OTHER_BASE)))
    assert other.version != release.version
    link = tmp_path / "served"
    link.symlink_to(release.path.resolve())
    server = start_server(link)
    try:
        assert served_version(server.url) == release.version
        replacement = tmp_path / "served.next"
        replacement.symlink_to(other.path.resolve())
        replacement.replace(link)  # what the build does to dist: one atomic rename
        os.kill(server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            seen.append(served_version(server.url))  # never a refused connection or an error
            if seen[-1] == other.version and seen[-5:].count(other.version) == 5:
                break
            time.sleep(0.2)
        assert seen[-1] == other.version, seen
        page = requests.get(server.url + "id/event/digigov-2017", allow_redirects=False, timeout=10)
        assert page.status_code == 303  # the new release's things dereference on the same host
    finally:
        server.stop()
