"""Helpers shared by the tests: the project's location and a real server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from digigov_lod.release import Release

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEST_QUERY_TIMEOUT_S = 2.0
TEST_MAX_ROWS = 500


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT/ (with the trailing slash)
    base: str  # the dataset's base IRI
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop at once (SIGINT): a graceful stop would wait for idle keep-alive connections."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def local(self, iri: str) -> str:
        """The URL on this server for a dataset IRI."""
        return self.url + iri[len(self.base) :] if iri.startswith(self.base) else iri


def start_server(release_path: Path, cwd: Path | None = None, **env_overrides: str) -> LiveServer:
    """gunicorn, as in production, on a free loopback port; waits until it answers."""
    port = free_port()
    env = {
        **os.environ,
        "DIGIGOV_RELEASE_DIR": str(release_path),
        "DIGIGOV_QUERY_TIMEOUT": str(TEST_QUERY_TIMEOUT_S),
        "DIGIGOV_MAX_RESULT_ROWS": str(TEST_MAX_ROWS),
        "DIGIGOV_WEB_WORKERS": "1",
        "DIGIGOV_ACCESS_LOG": "",
        **env_overrides,
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; a pipe nobody reads would fill up
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn",
            "--config", "python:digigov_lod.web.gunicorn_conf",
            "--bind", f"127.0.0.1:{port}",
            "digigov_lod.web.asgi:create_asgi_app_from_environment()",
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode(errors='replace')}")
        try:
            requests.get(url, timeout=2)
            break
        except requests.RequestException:  # not up yet: the socket listens before a worker answers
            time.sleep(0.1)
    else:
        process.kill()
        process.wait()
        raise RuntimeError("server did not answer within 60 s")
    return LiveServer(url, Release.open((cwd or Path.cwd()) / release_path).base_iri, process)


def run_node_json(script: Path, payload: object, *args: str, package: str | None = None) -> Any:
    """Run a node script of tests/js with ``payload`` as JSON on stdin; its JSON output.

    Skips the test where node (or the npm ``package`` the script needs) is not installed."""
    node = shutil.which("node")
    if node is None or (package and not (PROJECT_ROOT / "node_modules" / package).is_dir()):
        pytest.skip(f"node or the npm package {package} is not installed (make test installs both)")
    run = subprocess.run(
        [node, str(script), *args],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
