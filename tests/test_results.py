"""Our result serialisers, read back by rdflib's own SPARQL result parsers."""

from __future__ import annotations

import io
import json
from xml.etree import ElementTree

import pytest
from rdflib import Literal, URIRef
from rdflib.query import Result

from digigov_lod.sparql.results import SERIALIZERS, TRUNCATION_LINK

VARS = ["who", "name", "age"]
ROWS = [
    {
        "who": {"type": "uri", "value": "https://w3id.org/digigov-lod/id/person/lena-micko"},
        "name": {"type": "literal", "value": 'Lena "tab\there" Micko\nnew line', "xml:lang": "sv"},
        "age": {"type": "literal", "value": "42", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
    },
    {"who": {"type": "bnode", "value": "b0"}},
]


@pytest.mark.parametrize("key", ["json", "xml", "tsv"])
def test_select_round_trip(key: str) -> None:
    body = SERIALIZERS[key](VARS, ROWS, None, False)
    result = Result.parse(io.BytesIO(body), format=key)
    assert [str(v) for v in result.vars] == VARS
    rows = list(result)
    assert rows[0][0] == URIRef(ROWS[0]["who"]["value"])
    assert rows[0][1] == Literal('Lena "tab\there" Micko\nnew line', lang="sv")
    assert rows[0][2] == Literal(42)
    assert rows[1][1] is None


def test_csv_has_plain_values_and_empty_unbound() -> None:
    text = SERIALIZERS["csv"](VARS, ROWS, None, False).decode()
    lines = text.split("\r\n")
    assert lines[0] == "who,name,age"
    assert lines[1].startswith("https://w3id.org/digigov-lod/id/person/lena-micko,")
    assert lines[-2] == "_:b0,,"  # SPARQL 1.1 CSV/TSV §2.1: blank nodes as _:label


def test_xml_results_hold_only_xml_characters() -> None:
    """XML 1.0 forbids control characters other than tab, newline and carriage return, even as &#1;."""
    rows = [{"who": {"type": "literal", "value": "bell\x07 nul\x00 tab\t ok", "xml:lang": "sv"}}]
    body = SERIALIZERS["xml"](["who"], rows, None, False)
    ElementTree.fromstring(body)  # well-formed
    value = next(iter(Result.parse(io.BytesIO(body), format="xml")))[0]
    assert value == Literal("bell\ufffd nul\ufffd tab\t ok", lang="sv")


@pytest.mark.parametrize("key", ["json", "xml"])
def test_ask_round_trip(key: str) -> None:
    assert Result.parse(io.BytesIO(SERIALIZERS[key]([], None, True, False)), format=key).askAnswer is True


def test_truncation_is_stated_in_the_result() -> None:
    document = json.loads(SERIALIZERS["json"](VARS, ROWS[:1], None, True))
    assert document["truncated"] is True and TRUNCATION_LINK in document["head"]["link"]
    assert TRUNCATION_LINK in SERIALIZERS["xml"](VARS, ROWS[:1], None, True).decode()
    assert "truncated" not in json.loads(SERIALIZERS["json"](VARS, ROWS, None, False))
