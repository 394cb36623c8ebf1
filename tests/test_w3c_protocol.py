"""The W3C SPARQL 1.1 Protocol and Service Description tests, run against the production server.

The requests and expected answers are read from the W3C manifest itself (``tests/fixtures/w3c``),
which describes each HTTP exchange in the ``ht:`` vocabulary; only the host and the endpoint path
change (the manifest's ``/sparql/`` is this server's ``/sparql``). Tests this endpoint cannot run
are skipped with the reason: it is read-only (update tests), and it serves one fixed dataset, so
tests that need the suite's own data loaded as graphs cannot find it there.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from support import LiveServer

HERE = Path(__file__).parent / "fixtures" / "w3c"
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]  # 2xx, 3xx, 4xx
    result_format: str | None  # boolean, tabular, RDF
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    needs_data: bool
    exchanges: tuple[Exchange, ...]


def _exchange(manifest: Graph, request: URIRef) -> Exchange:
    headers = {}
    if (header_list := manifest.value(request, HT.headers)) is not None:
        for header in Collection(manifest, header_list):
            headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
    body = None
    if (content := manifest.value(request, HT.body)) is not None:
        encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(manifest.value(content, CNT.chars)).encode(encoding)
    response = manifest.value(request, HT.resp)
    statuses = tuple(sorted(str(s).rsplit("StatusCode", 1)[-1] for s in manifest.objects(response, MF.expectedStatus)))
    expected = manifest.value(response, MF.expectedBoolean)
    result_format = manifest.value(response, MF.expectedFormat)
    return Exchange(
        method=str(manifest.value(request, HT.methodName)),
        path=str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "sparql", 1),
        headers=headers,
        body=body,
        statuses=statuses,
        result_format=str(result_format) if result_format is not None else None,
        boolean=expected.toPython() if expected is not None else None,
    )


def _protocol_tests() -> list[ProtocolTest]:
    manifest = Graph().parse(HERE / "protocol-manifest.ttl")
    entries = Collection(manifest, manifest.value(next(manifest.subjects(RDF.type, MF.Manifest)), MF.entries))
    tests = []
    for entry in entries:
        requests_list = manifest.value(manifest.value(entry, MF.action), HT.requests)
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[-1],
                needs_data=(entry, UT.graphData, None) in manifest,
                exchanges=tuple(_exchange(manifest, r) for r in Collection(manifest, requests_list)),
            )
        )
    return tests


PROTOCOL_TESTS = _protocol_tests()


def _skip_reason(test: ProtocolTest) -> str | None:
    if test.name.startswith("update_"):
        return "the endpoint is read-only: SPARQL Update is refused (the bad_update tests check that)"
    if test.needs_data:
        return "needs the suite's data1-3.nt loaded as graphs; this endpoint serves one fixed dataset"
    return None


def _boolean_of(answer: requests.Response) -> bool:
    media = answer.headers["Content-Type"].split(";")[0]
    if media == "application/sparql-results+json":
        return bool(answer.json()["boolean"])
    if media == "application/sparql-results+xml":
        found = ET.fromstring(answer.content).find(f"{RESULTS_NS}boolean")
        assert found is not None, answer.text
        return found.text == "true"
    raise AssertionError(f"not a boolean result format: {media}")


def _check_format(answer: requests.Response, result_format: str) -> None:
    media = answer.headers["Content-Type"].split(";")[0]
    if result_format == "boolean":
        _boolean_of(answer)
    elif result_format == "tabular":
        if media == "application/sparql-results+json":
            assert "vars" in answer.json()["head"]
        elif media == "application/sparql-results+xml":
            assert ET.fromstring(answer.content).find(f"{RESULTS_NS}head") is not None
        elif media in ("text/csv", "text/tab-separated-values"):
            assert next(csv.reader(io.StringIO(answer.text), delimiter="," if media == "text/csv" else "\t"))
        else:
            raise AssertionError(f"not a tabular result format: {media}")
    elif result_format == "RDF":
        Graph().parse(data=answer.content, format=media)  # raises on anything that is not RDF
    else:
        raise AssertionError(f"unknown expected format {result_format}")


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_w3c_protocol(live_server: LiveServer, test: ProtocolTest) -> None:
    if (reason := _skip_reason(test)) is not None:
        pytest.skip(reason)
    for exchange in test.exchanges:
        answer = requests.request(
            exchange.method,
            live_server.url + exchange.path,
            headers=exchange.headers,
            data=exchange.body,
            allow_redirects=False,
            timeout=30,
        )
        assert f"{answer.status_code // 100}xx" in exchange.statuses, (answer.status_code, answer.text[:300])
        if exchange.result_format is not None:
            _check_format(answer, exchange.result_format)
        if exchange.boolean is not None:
            assert _boolean_of(answer) is exchange.boolean


def test_the_runner_reads_the_whole_manifest() -> None:
    """A manifest the runner misread would silently skip tests: count what it found."""
    names = {t.name for t in PROTOCOL_TESTS}
    assert len(PROTOCOL_TESTS) == 34 and {"query_get", "query_post_form", "bad_query_non_utf8"} <= names
    runnable = [t for t in PROTOCOL_TESTS if _skip_reason(t) is None]
    assert len(runnable) == 21
    assert all(e.statuses for t in PROTOCOL_TESTS for e in t.exchanges)


def _service_description_tests() -> list[str]:
    manifest = Graph().parse(HERE / "service-description-manifest.ttl")
    return sorted(str(t).rsplit("#", 1)[-1] for t in manifest.subjects(RDF.type, MF.ServiceDescriptionTest))


@pytest.mark.parametrize("name", _service_description_tests())
def test_w3c_service_description(live_server: LiveServer, name: str) -> None:
    endpoint = live_server.url + "sparql"
    answer = requests.get(endpoint, headers={"Accept": "text/turtle, application/rdf+xml;q=0.9"}, timeout=10)
    assert answer.status_code == 200
    description = Graph().parse(data=answer.content, format=answer.headers["Content-Type"].split(";")[0])
    services = list(description.subjects(RDF.type, SD.Service))
    if name == "returns-rdf":
        assert len(description) > 0
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(endpoint)) in description
    elif name == "conforms-to-schema":
        # the suite's check: a sd:Service with its endpoint and the query languages it supports
        assert len(services) == 1
        assert description.value(services[0], SD.endpoint) is not None
        assert set(description.objects(services[0], SD.supportedLanguage)) >= {SD.SPARQL11Query}
        assert json.dumps(sorted(map(str, description.objects(services[0], SD.resultFormat))))
    else:
        pytest.fail(f"the service-description manifest has a test this runner does not know: {name}")
