"""The seam between the query service and whatever answers its queries.

The embedded engine (:class:`~digigov_lod.sparql.workers.WorkerPool` of pyoxigraph processes) and a
remote SPARQL endpoint both take a :class:`QueryJob` and give back a :class:`QueryAnswer` in the
requested format, with the row limit applied, or raise one of the failures below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from ..errors import BadRequest, ServerFault, Unavailable
from ..messages import Message, worded


@dataclass(frozen=True)
class QueryJob:
    query: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    format_key: str  # key of a result or RDF format in digigov_lod.formats
    max_rows: int
    default_graphs: tuple[str, ...] = ()  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] = ()  # the protocol's named-graph-uri
    prefixes: tuple[tuple[str, str], ...] = ()  # declared for every query (its own PREFIX wins); used in Turtle
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the dataset's base)
    query_names_dataset: bool = False  # the query has FROM or FROM NAMED (the guard's reading of it)


@dataclass(frozen=True)
class QueryAnswer:
    body: bytes
    rows: int
    truncated: bool


class QueryError(BadRequest, ValueError):
    """The engine rejected the query (syntax error, unknown prefix …)."""


class QueryTimeout(Unavailable):
    """The query was stopped at a limit of this endpoint (the time limit, or see QueryOutOfMemory).

    Sending it again would only stop it again: a 503 without ``Retry-After``."""


class QueryOutOfMemory(QueryTimeout):
    """The query needed more memory than an engine may use; its engine was replaced."""


class PoolBusy(Unavailable):
    """No worker became free within the time limit (the view adds ``Retry-After``: one is free by then)."""


class EngineFailure(ServerFault):
    """The engine itself failed (crashed, could not start): a server fault, not the query's.

    ``summary`` is what failed, fit for a client (a :class:`Message` where it has a Swedish wording);
    ``detail`` (an exception's text, which may name server files or hosts) is for the log only; ``status``
    is the HTTP status the endpoint answers with."""

    status = 500

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(summary)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.args[0]}: {self.detail}" if self.detail else str(self.args[0])

    @property
    def summary(self) -> str:
        first = self.args[0]
        return first if isinstance(first, Message) else str(first)

    @property
    def message(self) -> str:
        """What the client is told: the summary only (the detail may name server files)."""
        return Message(
            f"The query could not be answered because of a fault in the server: {self.summary}.",
            f"Frågan kunde inte besvaras på grund av ett fel i servern: {worded(self.summary, 'sv')}.",
        )


class EngineUnavailable(EngineFailure):
    """A remote engine cannot be reached (down, refusing, restarting): 503, worth trying again shortly."""

    status = 503
    title = Message("Query engine unavailable", "Frågemotorn går inte att nå")


class EngineBadAnswer(EngineFailure):
    """A remote engine answered with an error of its own or with something that is not SPARQL results: 502."""

    status = 502


def retry_later(exc: PoolBusy | EngineUnavailable, timeout_s: float) -> PoolBusy | EngineUnavailable:
    """``exc`` with ``Retry-After``: within one time limit a worker is free again, or the engine back
    (a query stopped at a limit gets none: it would only be stopped again)."""
    exc.with_headers(Retry_After=str(max(1, math.ceil(timeout_s))))
    return exc


class Engine(Protocol):
    """Runs one query job within ``timeout`` seconds."""

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer: ...

    def close(self) -> None: ...
