"""The cheapest possible WSGI application: the same small JSON answer to every request.

Run under the same gunicorn settings as the real site, it shows what the server itself costs per
request on this machine, the ceiling for any Python application behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

BODY = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"fixed"}}]}}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(BODY)))]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
