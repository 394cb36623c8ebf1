"""gunicorn's asyncio worker, with the connection handling a reload needs (``worker_class`` in :mod:`.gunicorn_conf`).

gunicorn 27's ``asgi`` worker, told to stop (SIGTERM, which a reload sends to the old workers),
marks itself not alive and closes each keep-alive connection after its current response, even
when that response went out without ``Connection: close``: a client that sends its next request
at that moment sees the connection drop. Here a stopping worker answers the next request on every
connection with ``Connection: close``; when a reload replaces it, it accepts new connections until
its successor serves the same socket (which the master keeps open, see :mod:`.gunicorn_conf`),
then stops accepting, and exits once every connection is gone (or at ``graceful_timeout``).
Closing after an answer that says ``Connection: close`` is the only close a client never races; a
connection that stays idle is closed as a running worker closes it, after ``keepalive`` seconds
(closing it sooner would race a client that is merely slow).

The protocol also answers a request whose client shut its sending side after it (half-close),
bounds the time to send request headers (``header_seconds``; 408), and adds the security headers
of the site to gunicorn's own error answers, which can quote the request. The worker installs the
protocol by replacing the name the ``asgi`` worker module builds connections with, in the worker
process only.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from .asgi import SECURITY_HEADERS

HEADER_SECONDS = 15.0  # the longest a client may take to send a request's headers (gunicorn_conf sets it)
HANDOVER_SECONDS = 20.0  # the longest a replaced worker keeps accepting while its successor starts


class Protocol(ASGIProtocol):
    """One HTTP/1 connection (see the module docstring)."""

    worker: Worker

    def __init__(self, worker: Worker) -> None:
        super().__init__(worker)
        self._peer_done = False  # the client shut its sending side after a complete request
        self._receiving = False  # part of a request has arrived, not yet all its headers
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.worker.connections.add(self)
        self._start_header_timer()
        if self.worker.draining:
            self.drain()

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.connections.discard(self)
        self._stop_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._current_request is None and not self._receiving:
            self._receiving = True
            if self._header_timer is None:  # a fresh connection's runs from its start
                self._start_header_timer()
        super().data_received(data)

    def eof_received(self) -> bool | None:
        """The client will send nothing more: answer a complete request still (half-close), else close."""
        receiver = self._body_receiver
        complete = self._current_request is not None and (receiver is None or receiver._complete)
        if complete and not self._closed:
            self._peer_done = True
            return True  # keep the sending side open for the answer
        return None  # the transport closes; connection_lost tells whatever waits

    def _on_headers_complete(self) -> Any:
        self._receiving = False
        self._stop_header_timer()
        return super()._on_headers_complete()

    def _will_close(self, request: Any, response_requires_close: bool) -> bool:
        """A stopping worker, or a client that sends nothing more: this answer says ``Connection: close``."""
        return super()._will_close(request, response_requires_close) or self.worker.draining or self._peer_done

    def _arm_keepalive_timer(self) -> None:
        """The connection is idle now (no request under way)."""
        if self._peer_done:
            self.worker.loop.call_soon(self._keepalive_timeout)  # nothing more can come
            return
        super()._arm_keepalive_timer()

    def _keepalive_timeout(self) -> None:
        if self._receiving:
            return  # a request is arriving after all: it is answered, or its header time runs out
        super()._keepalive_timeout()

    def _close_transport(self) -> None:
        """gunicorn's close skips ``transport.close()`` when the ``write_eof()`` before it fails (a peer
        that shut its side and then reset): the connection would stay open for good."""
        super()._close_transport()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _send_error_response(self, status: int, message: str, extra_headers: Any = ()) -> None:
        """gunicorn's own answers (400, 414, 431 …) quote the request: never let a browser sniff them."""
        super()._send_error_response(status, message, (*extra_headers, *SECURITY_HEADERS))

    def drain(self) -> None:
        """The worker stops: the next answer says ``Connection: close``; an idle connection closes in time."""
        idle = self._current_request is None and not self._receiving and not self._finishing_calls
        if idle and self._keepalive_handle is None:  # no request yet: gunicorn arms no timer before the first
            super()._arm_keepalive_timer()

    def _start_header_timer(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.worker.loop.call_later(self.worker.header_seconds, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._closed or self._current_request is not None:
            return
        seconds = f"{self.worker.header_seconds:g}"
        self._send_error_response(408, f"The request headers did not arrive within {seconds} s.\n")
        self._close_transport()
        if self._request_ready is not None:
            self._request_ready.set()  # let the connection's task see the close


class Worker(gasgi.ASGIWorker):
    """gunicorn's ``asgi`` worker with :class:`Protocol` and a stop that drains connections."""

    header_seconds = HEADER_SECONDS
    #: Files holding the age of the newest worker started for this worker's socket, and of the
    #: newest that serves on it (set by gunicorn_conf; None: no successor is waited for).
    handover: tuple[Path, Path] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draining = False
        self.serving = False
        self.connections: set[Protocol] = set()

    def notify(self) -> None:
        """The heartbeat; the first one after the sockets are served tells a predecessor it may stop accepting."""
        super().notify()
        if not self.serving and self.servers and self.handover is not None:
            self.serving = True
            _write_age(self.handover[1], self.age)

    def init_process(self) -> None:
        gasgi.ASGIProtocol = Protocol  # type: ignore[misc]  # the name ASGIWorker._serve builds connections with
        super().init_process()

    def handle_exit_signal(self) -> None:
        """SIGTERM (a reload or a stop): drain the connections, then let gunicorn's shutdown run."""
        if self.draining or not self.alive:
            return
        self.draining = True
        self.log.info("Worker stopping: each open connection closes after its next answer")
        for connection in list(self.connections):
            connection.drain()
        self.loop.create_task(self._stop_when_drained())

    async def _stop_when_drained(self) -> None:
        """Accept until a successor serves the socket, then let the open connections end."""
        if self.handover is not None and _read_age(self.handover[0]) > self.age:  # a reload replaces this worker
            deadline = self.loop.time() + HANDOVER_SECONDS
            while _read_age(self.handover[1]) <= self.age and self.loop.time() < deadline and self.alive:
                await asyncio.sleep(0.05)
        for server in self.servers:
            server.close()  # the master keeps the listening socket open: what waits in it is not lost
        deadline = self.loop.time() + self.cfg.graceful_timeout
        while self.nr_conns > 0 and self.loop.time() < deadline and self.alive:
            await asyncio.sleep(0.05)
        self.alive = False  # ASGIWorker._serve sees this within a second and runs its shutdown


def _read_age(path: Path) -> int:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


def _write_age(path: Path, age: int) -> None:
    """Atomically, so that a reader never sees half a number."""
    partial = path.with_name(f"{path.name}.{age}")
    partial.write_text(str(age))
    partial.replace(path)
