"""Starting Debian's nginx on a free 127.0.0.1 port with a configuration of the test's own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text() if path.exists() else ""


def _user() -> str:
    """Under root, nginx's workers would run as nobody, who may not read the test's private folders."""
    return "user root;\n" if os.geteuid() == 0 else ""


def readable_by_server_workers(root: Path) -> None:
    """Open ``root`` and every folder under it to others: the workers of nginx and httpd may not run as the
    test's user."""
    for folder in (root, *(p for p in root.rglob("*") if p.is_dir())):
        folder.chmod(0o755)


def start_nginx(folder: Path, port: int, http_block: str) -> Nginx:
    """nginx in the foreground with ``http_block`` inside ``http { }``; waits until it answers."""
    if shutil.which(NGINX) is None and not Path(NGINX).exists():
        pytest.skip("Debian nginx is not installed (scripts/install-system-deps.sh installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"daemon off;\n{_user()}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  log_format digigov '$request $status $upstream_addr';\n"
        f"  access_log {folder}/access.log digigov;\n"
        f"  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"{http_block}\n}}\n"
    )
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-e", str(folder / "error.log")], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-e", str(folder / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return Nginx(url, process, folder)
        except requests.RequestException:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"nginx did not answer: {(folder / 'error.log').read_text()}")
