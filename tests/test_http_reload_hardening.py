"""Reloads (SIGHUP) of the production server under load and onto a broken release.

A reload must never cost a client a request: not on a kept-alive connection the old worker closes,
not in the listening socket a stopping worker leaves, and not when the release the link names by
then does not open.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from support import LiveServer, start_server

from digigov_lod.build import build
from digigov_lod.config import Settings
from digigov_lod.release import Release

OTHER_BASE = "https://example.org/reloaded/"


class Hammer:
    """Keep-alive clients in threads, each sending request after request until stopped.

    ``http.client`` rather than ``requests``: urllib3 looks whether a pooled connection was closed
    before it reuses it, which hides some (not all) of the closes a client can meet."""

    def __init__(self, server: LiveServer, clients: int, path: str = "/robots.txt") -> None:
        self.address = server.url.split("//")[1].strip("/")
        self.path = path
        self.statuses: Counter[int] = Counter()
        self.errors: list[str] = []
        self.closes = 0  # answers that said Connection: close
        self.versions: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def _run(self) -> None:
        connection: http.client.HTTPConnection | None = None
        while not self._stop.is_set():
            connection = connection or http.client.HTTPConnection(self.address, timeout=30)
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.errors.append(repr(exc))
                connection.close()
                connection = None
                continue
            closing = (response.getheader("Connection") or "").lower() == "close"
            with self._lock:
                self.statuses[response.status] += 1
                self.closes += closing
                self.versions.append((response.getheader("ETag") or "").strip('W/"').split("-")[0])
            if closing:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    def __enter__(self) -> Hammer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` in one atomic rename, as the build swaps ``dist``."""
    replacement = link.with_name(link.name + ".next")
    replacement.symlink_to(target)
    replacement.replace(link)


def wait_for_version(server: LiveServer, version: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = [requests.get(server.url + "robots.txt", timeout=10).headers["ETag"] for _ in range(10)]
        if all(etag.strip('W/"').startswith(version) for etag in seen):
            return
        time.sleep(0.2)
    raise AssertionError(f"{version} not served after {seconds} s")


def test_a_reload_under_keepalive_load_drops_no_request(release: Release) -> None:
    server = start_server(release.path, DIGIGOV_WEB_WORKERS="2")
    try:
        with Hammer(server, clients=8) as hammer:
            time.sleep(1)
            for _ in range(2):
                os.kill(server.process.pid, signal.SIGHUP)
                time.sleep(4)
        assert hammer.errors == [], Counter(hammer.errors).most_common(3)
        assert set(hammer.statuses) == {200}, hammer.statuses
        assert hammer.closes > 0  # the old workers did close their connections, each after telling the client
        assert server.process.poll() is None
    finally:
        server.stop()


def test_a_reload_onto_a_broken_release_keeps_serving_the_last_good_one(
    release: Release, project_settings: Settings, tmp_path: Path
) -> None:
    releases = tmp_path / ".dist-releases"
    good = releases / "good"
    shutil.copytree(release.path, good)
    broken = releases / "broken"
    shutil.copytree(release.path, broken)
    (broken / "manifest.json").unlink()
    other = Release.open(build(project_settings.with_overrides(release_dir=tmp_path / "new", base_iri=OTHER_BASE)))
    assert other.version != release.version
    link = tmp_path / "dist"
    link.symlink_to(good)
    server = start_server(link, DIGIGOV_WEB_WORKERS="2")
    try:
        with Hammer(server, clients=4) as hammer:
            swap_link(link, broken)
            os.kill(server.process.pid, signal.SIGHUP)
            time.sleep(6)  # the new workers are up (on the good release) and the old ones gone
            assert server.process.poll() is None
        log = Path(f"/proc/{server.process.pid}/fd/2")  # the server's log (a file start_server holds)
        if log.exists():
            assert "does not open" in log.read_text(errors="replace")  # and the log says why
        assert hammer.errors == [], Counter(hammer.errors).most_common(3)
        assert set(hammer.statuses) == {200}, hammer.statuses
        assert set(hammer.versions) == {release.version}
        # the link is mended: the next reload serves the release it names
        swap_link(link, other.path.resolve())
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for_version(server, other.version)
        assert server.process.poll() is None
    finally:
        server.stop()
