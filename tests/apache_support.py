"""Starting Debian's Apache httpd (apache2-bin) on a free 127.0.0.1 port for a folder with a .htaccess."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")


@dataclass
class Apache:
    url: str
    conf: Path

    def stop(self) -> None:
        subprocess.run([str(APACHE), "-f", str(self.conf), "-k", "stop"], capture_output=True, check=False)


def start_apache(folder: Path, site: Path, port: int) -> Apache:
    """httpd with the modules the export's .htaccess needs, AllowOverride All on ``site``."""
    if not APACHE.exists():
        pytest.skip("Debian apache2-bin is not installed (scripts/install-system-deps.sh installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    modules = ["mpm_event", "authz_core", "mime", "rewrite", "headers", "dir"]
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""  # httpd refuses to serve as root
    conf = folder / "httpd.conf"
    conf.write_text(
        f"ServerRoot {folder}\nPidFile {folder}/httpd.pid\nErrorLog {folder}/error.log\nListen 127.0.0.1:{port}\n"
        f"ServerName 127.0.0.1\n{user}"
        + "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n" for m in modules)
        + f"TypesConfig /dev/null\nDocumentRoot {site}\n"
        f"<Directory {site}>\n  AllowOverride All\n  Require all granted\n</Directory>\n"
    )
    subprocess.run([str(APACHE), "-f", str(conf), "-k", "start"], check=True, capture_output=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return Apache(url, conf)
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"httpd did not answer: {(folder / 'error.log').read_text()}")
