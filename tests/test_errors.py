"""One exception hierarchy: each error carries its status and bilingual message, and the engine's
failures survive the trip back from an engine process."""

from __future__ import annotations

import pickle

import pytest

from digigov_lod.errors import BadRequest, PublishedError, ServerFault, Unavailable
from digigov_lod.messages import Message
from digigov_lod.release import DamagedFile
from digigov_lod.sparql.engine import EngineFailure, PoolBusy, QueryError, QueryOutOfMemory, QueryTimeout
from digigov_lod.sparql.guard import QueryRefused


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (QueryError(Message("bad", "dålig")), 400),
        (QueryRefused(Message("refused", "nekad")), 400),
        (QueryTimeout("stopped"), 503),
        (QueryOutOfMemory("too big"), 503),
        (PoolBusy("busy"), 503),
        (EngineFailure("the engine crashed", "/srv/x: Errno 12"), 500),
        (DamagedFile("dump.nt", "changed"), 503),
    ],
)
def test_every_failure_has_its_status_and_survives_pickling(error: PublishedError, status: int) -> None:
    assert isinstance(error, PublishedError) and error.status == status
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and again.message == error.message and again.status == status
    assert getattr(again.message, "sv", None) == getattr(error.message, "sv", None)


def test_old_catches_keep_working() -> None:
    assert isinstance(QueryError("x"), ValueError) and isinstance(QueryRefused("x"), ValueError)
    assert isinstance(QueryOutOfMemory("x"), QueryTimeout) and isinstance(QueryTimeout("x"), Unavailable)
    assert isinstance(QueryRefused("x"), BadRequest) and isinstance(EngineFailure("x"), ServerFault)


def test_an_engine_failure_tells_the_client_its_summary_only() -> None:
    failure = pickle.loads(pickle.dumps(EngineFailure("the engine crashed", "/srv/releases/x: Errno 12")))
    assert failure.detail == "/srv/releases/x: Errno 12" and "/srv" in str(failure)  # the log's
    assert "/srv" not in failure.message and "/srv" not in failure.message.sv  # the client's
    assert "the engine crashed" in failure.message


def test_headers_are_kept_for_the_answer() -> None:
    busy = PoolBusy("busy").with_headers(Retry_After="5")
    assert busy.headers == {"Retry-After": "5"}
