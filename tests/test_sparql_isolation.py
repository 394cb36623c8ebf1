"""Engine processes run without a network, so even a SERVICE clause that slipped past the guard
reaches nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

PROBE = """
import socket, sys
from digigov_lod.sparql.isolation import isolate_network
print("isolated" if isolate_network() else "not-isolated", flush=True)
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
    print("connected")
except OSError as exc:
    print("refused", exc.errno)
"""


def test_an_isolated_process_cannot_reach_the_loopback() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        connect = "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2); print('connected')"
        control = subprocess.run([sys.executable, "-c", connect, str(port)], capture_output=True, text=True, timeout=30)
        assert control.stdout.strip() == "connected", "without isolation the listener is reachable"
        probe = subprocess.run([sys.executable, "-c", PROBE, str(port)], capture_output=True, text=True, timeout=30)
    finally:
        listener.close()
    lines = probe.stdout.split()
    if lines[0] == "not-isolated":
        assert os.geteuid() != 0, "as root, isolation must work"
        pytest.skip("this machine allows neither root nor unprivileged user namespaces")
    assert lines[0] == "isolated" and lines[1] == "refused", probe.stdout + probe.stderr
