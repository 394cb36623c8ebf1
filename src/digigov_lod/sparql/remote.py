"""A remote SPARQL 1.1 query endpoint as the engine (``DIGIGOV_SPARQL_ENDPOINT``): Oxigraph server, Virtuoso …

It answers as the embedded engine does: the service's predeclared prefixes and base go along as ``PREFIX`` and
``BASE`` lines (where the query does not declare them), the dataset as ``default-graph-uri`` /
``named-graph-uri``, and the answer, asked for as SPARQL JSON or N-Triples, is cut at the row limit and
serialised by the same functions (:mod:`.results`). Each query opens its own connection, so an engine that went
away is used again as soon as it is back. The guard has run before a query gets here: no ``SERVICE`` reaches it.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from ..messages import Message
from .engine import EngineBadAnswer, EngineUnavailable, QueryAnswer, QueryError, QueryJob, QueryTimeout
from .guard import _PREFIX_DECLARATION, _WORD, _blank, inspect
from .results import XSD_STRING, Term, boolean_answer, rows_answer, triples_answer

T = TypeVar("T")
RESULTS_JSON = "application/sparql-results+json"
#: What is asked for graphs; Virtuoso calls N-Triples text/plain, and Turtle is read where an engine prefers it.
GRAPH_TYPES = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
_GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}
#: Most bytes of one answer read from the engine: an answer beyond the row limit is cut anyway, and a remote
#: answer is held in memory whole.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_BASE = re.compile(_WORD.format("BASE"), re.IGNORECASE)
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def with_prologue(job: QueryJob) -> str:
    """The query with the service's ``BASE`` and ``PREFIX`` lines that it does not declare itself (its own win).

    They go on the query's first line, so that an engine's syntax error names the line the client wrote."""
    code = _blank(job.query, {})
    declared = {match.group(1) for match in _PREFIX_DECLARATION.finditer(code)}
    prologue = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in job.prefixes if prefix not in declared]
    if job.base_iri and not _BASE.search(code):
        prologue.insert(0, f"BASE <{job.base_iri}>")
    return " ".join([*prologue, job.query]) if prologue else job.query


class RemoteEngine:
    """Runs query jobs on a SPARQL 1.1 query endpoint over HTTP (an :class:`~.engine.Engine`).

    ``graphs`` are the dataset's named graphs. ``default_graph`` names the graph where the engine holds the
    dataset's default graph, for engines whose own default graph is something else (Virtuoso's is the union of
    every graph it holds, its system graphs included): a query that names no dataset is then sent with that
    graph as its default graph and ``graphs`` as its named graphs. Without it the engine's default dataset is
    used, as loaded from the release's N-Quads dump (the merge in the default graph)."""

    def __init__(self, endpoint: str, graphs: tuple[str, ...], default_graph: str | None = None) -> None:
        url = urlsplit(endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL of a SPARQL endpoint: {endpoint!r}")
        self.endpoint = endpoint
        self._url = url
        self.graphs = graphs
        self.default_graph = default_graph

    def close(self) -> None:
        """Nothing is held between queries."""

    def _dataset(self, job: QueryJob) -> list[tuple[str, str]]:
        """The protocol's dataset parameters (SPARQL 1.1 Protocol §2.1.4), as the embedded engine reads them."""
        if job.default_graphs or job.named_graphs:
            return [("default-graph-uri", g) for g in job.default_graphs] + [
                ("named-graph-uri", g) for g in job.named_graphs
            ]
        if self.default_graph is None or inspect(job.query, dict(job.prefixes)).dataset_iris:
            return []  # the query's own FROM / FROM NAMED, or the engine's default dataset
        return [("default-graph-uri", self.default_graph)] + [("named-graph-uri", g) for g in self.graphs]

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Answer ``job`` within ``timeout`` seconds; raises QueryError, QueryTimeout or EngineFailure (502/503)."""
        deadline = time.monotonic() + timeout
        body = urlencode([("query", with_prologue(job)), *self._dataset(job)]).encode("utf-8")
        graph = job.form in ("CONSTRUCT", "DESCRIBE")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": GRAPH_TYPES if graph else RESULTS_JSON,
            "User-Agent": "digigov-lod",
        }
        connection_type = http.client.HTTPSConnection if self._url.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(self._url.hostname or "", self._url.port, timeout=timeout)
        path = self._url.path or "/"
        if self._url.query:
            path += "?" + self._url.query
        try:
            try:
                connection.request("POST", path, body=body, headers=headers)
                sock = connection.sock  # the connection lets go of it once a closing answer has begun
                assert sock is not None
                response = _within(sock, deadline, connection.getresponse)
                data = _read(response, sock, deadline)
            except TimeoutError as exc:
                raise _timeout(timeout) from exc
            except (OSError, http.client.HTTPException) as exc:
                raise EngineUnavailable(_UNREACHABLE, f"{self.endpoint}: {exc}") from exc
        finally:
            connection.close()
        if response.status >= 400:
            raise self._refusal(response.status, data)
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if response.getheader("X-SQL-State"):  # Virtuoso's "anytime" answer: what it found when its time ran out
            raise _timeout(timeout)
        try:
            if graph:
                return triples_answer(job, self._triples(data, media))
            return self._solutions(job, data)
        except (ValueError, SyntaxError, KeyError, TypeError, AttributeError) as exc:
            raise EngineBadAnswer(_GARBLED, f"{self.endpoint} answered {media or 'no type'}: {exc}") from exc

    def _refusal(self, status: int, data: bytes) -> Exception:
        text = data.decode("utf-8", "replace").strip()
        said = text.split("\n\n")[0].strip()[:500]  # Virtuoso goes on to repeat the query, prologue included
        if status == 400:
            return QueryError(
                Message(
                    f"The query engine refused the query: {said}",
                    f"Frågemotorn avvisade frågan: {said}",
                )
            )
        if status in (502, 503, 504):
            return EngineUnavailable(_UNREACHABLE, f"{self.endpoint} answered {status}: {said}")
        return EngineBadAnswer(_FAILED, f"{self.endpoint} answered {status}: {said}")

    @staticmethod
    def _triples(data: bytes, media: str) -> Iterator[ox.Triple]:
        rdf_format = _GRAPH_FORMATS.get(media)
        if rdf_format is None:
            raise ValueError(f"not a graph format: {media!r}")
        for quad in ox.parse(data, format=rdf_format):
            yield quad.triple

    @staticmethod
    def _solutions(job: QueryJob, data: bytes) -> QueryAnswer:
        document = json.loads(data)
        if "boolean" in document:
            return boolean_answer(job, bool(document["boolean"]))
        bindings = document["results"]["bindings"]
        if job.form == "ASK":  # Virtuoso answers ASK as one row of one column, 1 or 0
            return boolean_answer(
                job, any(value["value"] not in ("0", "false") for b in bindings for value in b.values())
            )
        variables = [str(v) for v in document["head"]["vars"]]
        rows = ({name: _term(term) for name, term in b.items() if name in variables} for b in bindings)
        return rows_answer(job, variables, rows)


def _term(term: dict[str, str]) -> Term:
    """A SPARQL JSON term as the embedded engine writes it: plain strings without a datatype, and Virtuoso's
    ``typed-literal`` as a literal with its datatype."""
    kind = {"typed-literal": "literal"}.get(term["type"], term["type"])
    if kind not in ("uri", "literal", "bnode"):
        raise ValueError(f"unknown term type {term['type']!r}")
    found: Term = {"type": kind, "value": str(term["value"])}
    if kind == "literal":
        if term.get("xml:lang"):
            found["xml:lang"] = str(term["xml:lang"])
        elif term.get("datatype") not in (None, XSD_STRING, RDF_LANG_STRING):
            found["datatype"] = str(term["datatype"])
    return found


def _within(sock: socket.socket, deadline: float, step: Callable[[], T]) -> T:
    """One blocking step, given only the time left (the socket's timeout applies to each step)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    sock.settimeout(left)
    return step()


def _read(response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
    """The whole body, within the time left and the size limit."""
    chunks: list[bytes] = []
    size = 0
    while chunk := _within(sock, deadline, lambda: response.read1(1 << 16)):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise EngineBadAnswer(_TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _timeout(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        Message(
            f"the query was stopped after {timeout:g} s, the time limit of this endpoint",
            f"frågan stoppades efter {timeout:g} s, tjänstens tidsgräns",
        )
    )


_UNREACHABLE = Message(
    "the query engine cannot be reached; it is probably restarting, try again shortly",
    "frågemotorn går inte att nå; den startar troligen om, försök igen om en stund",
)
_GARBLED = Message(
    "the query engine gave an answer that is not SPARQL results",
    "frågemotorn gav ett svar som inte är SPARQL-resultat",
)
_FAILED = Message("the query engine failed to answer", "frågemotorn kunde inte svara")
_TOO_LARGE = Message(
    f"the query engine's answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB; narrow the query down",
    f"frågemotorns svar är större än {MAX_ANSWER_BYTES // (1024 * 1024)} MB; avgränsa frågan",
)
