"""The site on a remote SPARQL engine (``DIGIGOV_SPARQL_ENDPOINT``), against real engines this suite starts, each
loaded from the release's N-Quads dump: the Oxigraph server and Virtuoso Open Source 7.

Through real gunicorn: every example query answers as it does embedded, the time and row limits hold, pages
render, and an engine that goes away gives a clear 503 and is used again when it is back.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from support import TEST_MAX_ROWS, LiveServer, free_port, start_server

from digigov_lod.config import from_environment
from digigov_lod.release import DATASET_DUMP, Release
from digigov_lod.sparql.engine import EngineBadAnswer, QueryJob
from digigov_lod.sparql.examples import load_examples
from digigov_lod.sparql.remote import RemoteEngine, with_prologue

EXAMPLES = load_examples()
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
#: Where Virtuoso holds the dataset's default graph (its own default graph is the union of all it holds).
VIRTUOSO_DEFAULT_GRAPH = "urn:digigov-lod:default-graph"
#: The remote engines' time limit here: Virtuoso needs over 2 s (the suite's usual limit) for a full scan when the
#: machine is busy, and a runaway query still runs far past it.
REMOTE_QUERY_TIMEOUT_S = 6.0
#: More than the cross product of the data with itself could give within the time limit on any engine.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) != STR(?i)) }"


@dataclass
class Engine:
    """A SPARQL engine process on a free port, which a test may stop and start again."""

    name: str
    endpoint: str
    command: list[str]
    folder: Path
    default_graph: str | None = None
    process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "engine.log").open("ab")
        self.process = subprocess.Popen(self.command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        _wait_for(self.endpoint, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def environment(self) -> dict[str, str]:
        env = {"DIGIGOV_SPARQL_ENDPOINT": self.endpoint}
        if self.default_graph:
            env["DIGIGOV_SPARQL_DEFAULT_GRAPH"] = self.default_graph
        return env


def _wait_for(endpoint: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the engine exited with {process.returncode}"
        try:
            answer = requests.get(endpoint, params={"query": "ASK {}"}, timeout=2)
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{endpoint} did not answer within {seconds:g} s")


def _oxigraph(release: Release, folder: Path) -> Engine:
    """``oxigraph load`` the dump, then ``serve-read-only`` (its default graph is the dump's: the merge)."""
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(folder / "store"), "--file", str(release.require(DATASET_DUMP))],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    port = free_port()
    store, bind = str(folder / "store"), f"127.0.0.1:{port}"
    command = [str(OXIGRAPH), "serve-read-only", "--location", store, "--bind", bind, "--timeout-s", "10"]
    return Engine("oxigraph", f"http://127.0.0.1:{port}/query", command, folder)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {load}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 10
"""


def _virtuoso(release: Release, folder: Path) -> Engine:
    """``virtuoso-t`` on a database of its own, the dump loaded with ``ld_dir`` and ``rdf_loader_run``: its
    quads in their named graphs, its default graph (the merge) into VIRTUOSO_DEFAULT_GRAPH."""
    (folder / "db").mkdir()
    (folder / "load").mkdir()
    shutil.copy(release.require(DATASET_DUMP), folder / "load" / DATASET_DUMP)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.format(db=folder / "db", load=folder / "load", sql_port=sql_port, http_port=http_port)
    (folder / "virtuoso.ini").write_text(ini)
    command = ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    engine = Engine("virtuoso", f"http://127.0.0.1:{http_port}/sparql", command, folder, VIRTUOSO_DEFAULT_GRAPH)
    engine.start()
    load = (
        f"ld_dir('{folder / 'load'}', '{DATASET_DUMP}', '{VIRTUOSO_DEFAULT_GRAPH}'); rdf_loader_run(); "
        "checkpoint; select ll_state, ll_error from DB.DBA.LOAD_LIST;"
    )
    loaded = subprocess.run(
        ["isql-vt", str(sql_port), "dba", "dba", f"exec={load}"], capture_output=True, text=True, timeout=300
    )
    assert loaded.returncode == 0 and "NULL" in loaded.stdout, loaded.stdout + loaded.stderr
    engine.stop()  # started again by the fixture, as every engine is
    return engine


#: The Oxigraph server in the fast loop; Virtuoso, slower to start and load, in make test-all.
@pytest.fixture(scope="module", params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.slow)])
def engine(
    request: pytest.FixtureRequest, release: Release, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "virtuoso" and not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        pytest.skip("virtuoso-t and isql-vt are not installed (scripts/install-system-deps.sh installs them)")
    folder = tmp_path_factory.mktemp(request.param)
    found = _oxigraph(release, folder) if request.param == "oxigraph" else _virtuoso(release, folder)
    found.start()
    yield found
    found.stop()


@pytest.fixture(scope="module")
def remote_server(release: Release, engine: Engine) -> Iterator[LiveServer]:
    server = start_server(release.path, DIGIGOV_QUERY_TIMEOUT=str(REMOTE_QUERY_TIMEOUT_S), **engine.environment)
    yield server
    server.stop()


def _solutions(server: LiveServer, path: str, **params: str) -> tuple[list[str], Counter]:
    """The variables and the solutions (blank nodes as one placeholder: their labels are the engine's)."""
    response = requests.get(server.url + path, params={"format": "json", **params}, timeout=30)
    assert response.status_code == 200, response.text
    document = response.json()
    variables = document["head"].get("vars", [])
    if "boolean" in document:
        return variables, Counter([document["boolean"]])
    rows = Counter(
        tuple(
            None if v not in b else ("_:b",) if b[v]["type"] == "bnode" else tuple(sorted(b[v].items()))
            for v in variables
        )
        for b in document["results"]["bindings"]
    )
    return variables, rows


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.id for q in EXAMPLES])
def test_every_example_answers_as_embedded(live_server: LiveServer, remote_server: LiveServer, example) -> None:
    path = "sparql/examples/" + example.id
    assert _solutions(remote_server, path) == _solutions(live_server, path)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # the default graph is the merge: shared triples once
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",  # only the dataset's graphs
        "SELECT ?name WHERE { event:digigov-2017 schema:name ?name }",  # the predeclared prefixes
        "SELECT ?p WHERE { <id/event/digigov-2017> ?p [] }",  # relative IRIs against the dataset's base
        'ASK { ?person a schema:Person ; schema:name "Christian Guttmann" }',
        'ASK { ?person a schema:Person ; schema:name "Nobody" }',
    ],
)
def test_the_dataset_prefixes_and_base_are_the_embedded_ones(
    live_server: LiveServer, remote_server: LiveServer, query: str
) -> None:
    assert _solutions(remote_server, "sparql", query=query) == _solutions(live_server, "sparql", query=query)


def test_graphs_come_back_as_embedded(live_server: LiveServer, remote_server: LiveServer) -> None:
    query = "CONSTRUCT { ?s schema:name ?name } WHERE { ?s a schema:Person ; schema:name ?name }"
    answers = [
        requests.get(server.url + "sparql", params={"query": query, "format": "nt"}, timeout=30)
        for server in (live_server, remote_server)
    ]
    assert all(answer.status_code == 200 for answer in answers)
    embedded, remote = (sorted(answer.text.splitlines()) for answer in answers)
    assert remote == embedded


def test_the_row_limit_holds(remote_server: LiveServer) -> None:
    response = requests.get(
        remote_server.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json"}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"] == f"true; limit={TEST_MAX_ROWS}"
    document = response.json()
    assert document["truncated"] is True and len(document["results"]["bindings"]) == TEST_MAX_ROWS


def test_the_time_limit_holds(remote_server: LiveServer) -> None:
    started = time.monotonic()
    response = requests.get(remote_server.url + "sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503, response.text
    assert "time limit" in response.text
    assert time.monotonic() - started < REMOTE_QUERY_TIMEOUT_S + 8


def test_a_syntax_error_is_the_clients(remote_server: LiveServer) -> None:
    response = requests.get(remote_server.url + "sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}, timeout=30)
    assert response.status_code == 400
    assert "refused the query" in response.text


def test_pages_render(remote_server: LiveServer) -> None:
    for path in ("", "doc/event/digigov-2017", "sparql/examples"):
        response = requests.get(remote_server.url + path, headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200, path


def test_an_engine_that_goes_away_gives_503_and_is_used_again_when_back(
    remote_server: LiveServer, engine: Engine
) -> None:
    engine.stop()
    try:
        for lang, said in (("en", "cannot be reached"), ("sv", "går inte att nå")):
            response = requests.get(
                remote_server.url + "sparql",
                params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1 # {lang}"},
                headers={"Accept": "text/html", "Accept-Language": lang},
                timeout=30,
            )
            assert response.status_code == 503
            assert said in response.text
            assert response.headers["Retry-After"]
            assert engine.endpoint not in response.text  # where the engine runs is for the log only
    finally:
        engine.start()
    response = requests.get(
        remote_server.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "format": "json"}
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 2


def test_an_engine_that_answers_garbage_is_a_502_and_a_bad_url_is_refused_at_start() -> None:

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b"<html>a login page</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        remote = RemoteEngine(f"http://127.0.0.1:{server.server_port}/sparql", ())
        with pytest.raises(EngineBadAnswer) as failure:
            remote.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", "SELECT", "json", 10), 5)
        assert failure.value.status == 502
        assert "127.0.0.1" not in failure.value.summary  # the endpoint is named in the detail, for the log
    finally:
        server.shutdown()
    with pytest.raises(ValueError, match="DIGIGOV_SPARQL_ENDPOINT"):
        from_environment({"DIGIGOV_SPARQL_ENDPOINT": "localhost:7878/query"})


def test_the_prologue_gives_way_to_the_querys_own_declarations() -> None:
    prefixes = (("schema", "https://schema.org/"), ("dgv", "https://w3id.org/digigov-lod/def/"))
    job = QueryJob("PREFIX schema: <http://schema.org/>\nSELECT * { ?s schema:name ?n }", "SELECT", "json", 1,
                   prefixes=prefixes, base_iri="https://w3id.org/digigov-lod/")  # fmt: skip
    sent = with_prologue(job)
    assert "PREFIX schema: <https://schema.org/>" not in sent and "PREFIX dgv:" in sent
    assert sent.startswith("BASE <https://w3id.org/digigov-lod/>") and sent.count("\n") == 1  # lines stay
    own_base = QueryJob("BASE <http://ex/> SELECT * { ?s ?p ?o }", "SELECT", "json", 1, base_iri="http://other/")
    assert with_prologue(own_base) == own_base.query
