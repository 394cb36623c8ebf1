"""Serialisers for SELECT and ASK results: SPARQL JSON, XML, CSV and TSV; and the answers every engine
gives (:func:`rows_answer`, :func:`boolean_answer`, :func:`triples_answer`), the row limit applied.

Written here rather than delegated to the engine because results may be truncated at the
row limit, and the truncation must be stated in the result itself, not only in a header.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..formats import by_key
from .engine import QueryAnswer, QueryError, QueryJob
from .guard import _FORM, _blank

# A term is a dict in the SPARQL JSON shape: {"type": "uri"|"literal"|"bnode", "value": …,
# optional "xml:lang" / "datatype"}. Rows map variable names to terms.
Term = dict[str, str]
Row = dict[str, Term]

TRUNCATION_LINK = "urn:digigov-lod:results-truncated"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_SELECT_ALL = re.compile(r"SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)")


def in_query_order(query: str, variables: Sequence[str]) -> list[str]:
    """The columns of ``SELECT *`` in the order their variables first appear in the query, as other
    endpoints show them (the engine gives them sorted by name); other projections keep theirs."""
    code = _blank(query, {})  # strings, IRIs and comments hold no variables
    form = _FORM.search(code)
    if form is None or not _SELECT_ALL.match(code, form.start()):
        return list(variables)
    first: dict[str, int] = {}
    for match in _VARIABLE.finditer(code):
        first.setdefault(match.group(1), match.start())
    return sorted(variables, key=lambda name: first.get(name, len(code)))


def to_json(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None, truncated: bool) -> bytes:
    head: dict[str, object] = {"vars": list(variables)} if boolean is None else {}
    if truncated:
        head["link"] = [TRUNCATION_LINK]
    document: dict[str, object] = {"head": head}
    if boolean is not None:
        document["boolean"] = boolean
    else:
        document["results"] = {"bindings": list(rows or [])}
    if truncated:
        document["truncated"] = True
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# XML 1.0 (§2.2 Char) allows no control characters but tab, newline and carriage return, nor
# U+FFFE/U+FFFF, not even as character references (&#1; is not well-formed). RDF literals may hold
# them, so in SPARQL XML each is replaced by U+FFFD (the replacement character): the document
# stays well-formed and the reader can still see that a character was there.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML_CHAR.sub("\ufffd", text))


def _xml_attribute(text: str) -> str:
    return quoteattr(_NOT_XML_CHAR.sub("\ufffd", text))


def _xml_term(term: Term) -> str:
    value = _xml_text(term["value"])
    if term["type"] == "uri":
        return f"<uri>{value}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    attributes = ""
    if "xml:lang" in term:
        attributes = f" xml:lang={_xml_attribute(term['xml:lang'])}"
    elif "datatype" in term:
        attributes = f" datatype={_xml_attribute(term['datatype'])}"
    return f"<literal{attributes}>{value}</literal>"


def to_xml(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None, truncated: bool) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    out.append("<head>")
    if boolean is None:
        out.extend(f"<variable name={_xml_attribute(v)}/>" for v in variables)
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATION_LINK)}/>")
    out.append("</head>")
    if boolean is not None:
        out.append(f"<boolean>{'true' if boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in rows or []:
            cells = "".join(f"<binding name={_xml_attribute(v)}>{_xml_term(t)}</binding>" for v, t in row.items())
            out.append(f"<result>{cells}</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out).encode("utf-8")


def _csv_term(term: Term) -> str:
    """SPARQL 1.1 CSV (§2.1): IRIs and literals as their plain text, blank nodes as ``_:label``."""
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


def to_csv(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None, truncated: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if boolean is not None:
        writer.writerow(["_askResult"])
        writer.writerow(["true" if boolean else "false"])
    else:
        writer.writerow(variables)
        for row in rows or []:
            writer.writerow([_csv_term(row[v]) if v in row else "" for v in variables])
    return buffer.getvalue().encode("utf-8")


def _tsv_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _tsv_term(term: Term) -> str:
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    literal = f'"{_tsv_escape(term["value"])}"'
    if "xml:lang" in term:
        return f"{literal}@{term['xml:lang']}"
    if "datatype" in term and term["datatype"] != XSD_STRING:
        return f"{literal}^^<{term['datatype']}>"
    return literal


def to_tsv(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None, truncated: bool) -> bytes:
    if boolean is not None:
        return f"?_askResult\n{'true' if boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_term(row[v]) if v in row else "" for v in variables) for row in rows or [])
    return ("\n".join(lines) + "\n").encode("utf-8")


SERIALIZERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def boolean_answer(job: QueryJob, value: bool) -> QueryAnswer:
    """An ASK answer in the job's result format."""
    return QueryAnswer(SERIALIZERS[job.format_key]([], None, value, False), 1, False)


def rows_answer(job: QueryJob, variables: Sequence[str], rows: Iterable[Row]) -> QueryAnswer:
    """A SELECT answer in the job's result format: at most ``max_rows`` rows, and whether there were more.
    ``SELECT *`` columns come in the order their variables first appear in the query."""
    kept: list[Row] = []
    truncated = False
    for row in rows:
        if len(kept) == job.max_rows:
            truncated = True
            break
        kept.append(row)
    columns = in_query_order(job.query, variables)
    return QueryAnswer(SERIALIZERS[job.format_key](columns, kept, None, truncated), len(kept), truncated)


def triples_answer(job: QueryJob, triples: Iterable[ox.Triple]) -> QueryAnswer:
    """A CONSTRUCT or DESCRIBE answer in the job's RDF format: at most ``max_rows`` triples; Turtle and
    RDF/XML declare the job's prefixes that the answer uses."""
    kept: list[ox.Triple] = []
    truncated = False
    for triple in triples:
        if len(kept) == job.max_rows:
            truncated = True
            break
        kept.append(triple)
    fmt = by_key(job.format_key)
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type) if fmt else None
    if rdf_format is None:
        raise QueryError(f"no RDF serialiser for {job.format_key}")
    prefixes = None
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):  # only the prefixes the answer uses
        used = {t.value for triple in kept for t in (triple.subject, triple.predicate, triple.object)
                if isinstance(t, ox.NamedNode)}  # fmt: skip
        prefixes = {p: ns for p, ns in sorted(job.prefixes) if any(iri.startswith(ns) for iri in used)}
    body = ox.serialize(kept, format=rdf_format, prefixes=prefixes) or b""
    return QueryAnswer(body, len(kept), truncated)
