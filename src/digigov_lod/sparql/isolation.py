"""A second wall against outbound requests: engine processes without any network.

The guard refuses SERVICE before a query reaches the engine, but the engine itself can fetch
(pyoxigraph has an HTTP client for SERVICE). An engine process therefore moves itself into a
new, empty network namespace before it loads the data: even a query that slipped past the
guard finds no network to reach, not even the loopback. This needs Linux and either root or
unprivileged user namespaces; where neither is available it reports False and the guard alone
holds the line.
"""

from __future__ import annotations

import ctypes
import ctypes.util

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move the calling (single-threaded) process into a new network namespace; True on success."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError):
        return False
    return any(unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))
