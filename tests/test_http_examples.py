"""Every example query answers the same over HTTP, in every result format, as rdflib does in-process.

The competency tests check rdflib's answers against the report; this checks the served engine
(pyoxigraph in worker processes) and each serialisation against rdflib, so the chain holds end to end.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
import requests
from rdflib import BNode, Graph, URIRef
from rdflib.query import Result
from support import LiveServer

from digigov_lod.sparql.examples import load_examples

EXAMPLES = load_examples()


def _key(term: object) -> object:
    if term is None or isinstance(term, BNode):
        return None if term is None else "_:b"
    return term


def _rows(result: Result) -> Counter:
    return Counter(tuple(_key(value) for value in row) for row in result)


def test_there_are_enough_examples() -> None:
    assert len(EXAMPLES) >= 20
    assert all(q.title and q.title_sv and q.description for q in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.id for q in EXAMPLES])
def test_example_in_every_format(live_server: LiveServer, union_graph: Graph, example) -> None:
    expected = union_graph.query(example.text)
    assert expected.type == "SELECT", "examples are SELECT queries"
    url = live_server.url + "sparql/examples/" + example.id
    variables = [str(v) for v in expected.vars]
    for fmt in ("json", "xml", "tsv"):
        response = requests.get(url, params={"format": fmt})
        assert response.status_code == 200, response.text
        served = Result.parse(io.BytesIO(response.content), format=fmt)
        assert [str(v) for v in served.vars] == variables
        assert _rows(served) == _rows(expected), fmt
    response = requests.get(url, params={"format": "csv"})
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == variables
    plain = Counter(tuple("" if v is None else str(v) for v in row) for row in expected)
    assert Counter(tuple(r) for r in table[1:]) == plain
    page = requests.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and example.title_in("sv") in page.text
    assert f"{len(expected)} rader" in page.text
    for row in expected:
        for value in row:
            if isinstance(value, URIRef) and value.startswith(live_server.base):
                assert f'href="{live_server.local(str(value))}"' in page.text


def test_examples_listing(live_server: LiveServer) -> None:
    listing = requests.get(live_server.url + "sparql/examples", headers={"Accept": "application/json"}).json()
    assert [item["id"] for item in listing] == [q.id for q in EXAMPLES]
    page = requests.get(live_server.url + "sparql", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    for query in EXAMPLES:
        assert f'href="/sparql/examples/{query.id}"' in page
    assert requests.get(live_server.url + "sparql/examples/no-such-query").status_code == 404
