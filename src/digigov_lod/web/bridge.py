"""Runs the WSGI application in a pool of threads for the ASGI front, with one hand-over each way.

A request goes to a thread once; the thread runs the application and collects the answer, and the
event loop sends it. Only an answer larger than ``BUFFER_BYTES`` is sent on while it is produced,
chunk by chunk. (A general bridge hands every message across separately, which costs more than
the application itself for the small answers this site gives.) The request body has been read by
the front already and arrives in the first ``receive``.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from a2wsgi.wsgi import build_environ

from .asgi_types import Message, Receive, Scope, Send

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
BUFFER_BYTES = 1024 * 1024


@dataclass
class _Answer:
    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    streamed: bool = False  # the start and some chunks have been sent from the thread already


class ThreadBridge:
    def __init__(self, app: WsgiApp, threads: int) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _acknowledge_lifespan(receive, send)
            return
        body = b""
        if any(name == b"content-length" for name, _ in scope["headers"]):
            message = await receive()
            body = message.get("body", b"") if message["type"] == "http.request" else b""
        loop = asyncio.get_running_loop()
        environ = build_environ(scope, io.BytesIO(body))  # type: ignore[arg-type]
        environ["wsgi.errors"] = sys.stderr
        answer = await loop.run_in_executor(self.executor, self._run, environ, loop, send)
        if not answer.streamed:
            await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
        await send({"type": "http.response.body", "body": b"".join(answer.chunks)})

    def _run(self, environ: dict, loop: asyncio.AbstractEventLoop, send: Send) -> _Answer:
        """In a thread: the application's answer, collected (or streamed once it grows large)."""
        answer = _Answer()

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            if exc_info and answer.streamed:
                raise exc_info[1].with_traceback(exc_info[2])
            answer.status = int(status.split(" ", 1)[0])
            answer.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            return answer.chunks.append

        def send_from_thread(message: Message) -> None:
            asyncio.run_coroutine_threadsafe(send(message), loop).result()

        result = self.app(environ, start_response)
        try:
            size = 0
            for chunk in result:
                answer.chunks.append(chunk)
                size += len(chunk)
                if size > BUFFER_BYTES:  # too large to hold: send what there is and go on streaming
                    if not answer.streamed:
                        send_from_thread({"type": "http.response.start", "status": answer.status,
                                          "headers": answer.headers})  # fmt: skip
                        answer.streamed = True
                    send_from_thread({"type": "http.response.body", "body": b"".join(answer.chunks),
                                      "more_body": True})  # fmt: skip
                    answer.chunks, size = [], 0
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return answer


async def _acknowledge_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
