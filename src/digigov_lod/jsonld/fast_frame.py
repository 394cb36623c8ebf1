"""The embed variant's snippet framed and compacted without PyLD, for the data it is made of.

PyLD frames and compacts a snippet in 20–60 ms (most of the first render of the report's or the
conference's page), because it compacts every IRI by looking through the context's terms. The embed
variant states only a small part of JSON-LD: schema.org properties and classes, IRIs, strings without
a language, ``schema:Date`` and a few XML Schema datatypes. For those, framing on the root with
``"@embed": "@always"`` and compacting with the schema.org context come down to the rules below.
Whatever falls outside them (a blank node, a term with a container, a value a term's coercion does not
fit, an IRI the context could shorten) makes :func:`embed_document` answer None, and the caller frames
with PyLD as before. ``tests/test_jsonld_fast_frame.py`` holds every snippet of the release to PyLD's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from .loader import schemaorg_context

SCHEMA_HTTP = "http://schema.org/"
SCHEMA_DATE = URIRef(SCHEMA_HTTP + "Date")
PLAIN, IRI, DATE = "plain", "@id", "Date"  # how a term of the context coerces its values
Triple = tuple[Node, Node, Node]
_INTEGER = re.compile(r"^[+-]?\d+$")  # PyLD's test for a native integer (useNativeTypes), kept as it is


class _Unsupported(Exception):
    """The document needs a rule this module does not have: PyLD frames it."""


@dataclass(frozen=True)
class _Context:
    terms: dict[str, tuple[str, str]]  # schema.org IRI → (its one term, how the term coerces values)
    namespaces: tuple[str, ...]  # IRIs the context could shorten an IRI under (prefixes, @vocab)
    prefix_names: tuple[str, ...]  # an IRI starting with one of these and ":" would be read as a compact IRI
    mapped: frozenset[str]  # every IRI some term maps to (a datatype among them would be compacted to the term)
    xsd: str


@cache
def _context() -> _Context:
    """The schema.org context's terms that name schema.org IRIs by their own local name, exactly one term each."""
    definitions: dict[str, Any] = schemaorg_context()["@context"]
    strings = {name: value for name, value in definitions.items() if isinstance(value, str)}
    named: dict[str, list[tuple[str, str]]] = {}
    for name, value in definitions.items():
        if not isinstance(value, dict) or not isinstance(value.get("@id"), str):
            continue
        prefix, _, local = value["@id"].partition(":")
        iri = strings.get(prefix, "") + local if prefix in strings else value["@id"]
        coercion = value.get("@type", PLAIN)
        if set(value) - {"@id", "@type"} or coercion not in (PLAIN, IRI, DATE) or local != name:
            coercion = ""  # a container, a language, another coercion or a renamed term: not handled here
        named.setdefault(iri, []).append((name, coercion))
    terms = {iri: found[0] for iri, found in named.items() if len(found) == 1 and found[0][1]}
    namespaces = tuple(v for k, v in strings.items() if not v.startswith("@") and k != "@language")
    prefix_names = tuple(k + ":" for k, v in strings.items() if not k.startswith("@") and not v.startswith("@"))
    return _Context(terms, namespaces, prefix_names, frozenset(named), strings["xsd"])


def embed_document(prepared: Iterable[Triple], root: str) -> dict[str, Any] | None:
    """The root's node framed with every node embedded where it is used, compacted with the schema.org
    context (keys ``@id``/``@type``, not the context's aliases), or None where PyLD must do it."""
    nodes: dict[Node, dict[URIRef, list[Node]]] = {}
    for s, p, o in prepared:
        if not isinstance(s, URIRef) or not isinstance(p, URIRef) or not isinstance(o, URIRef | Literal):
            return None  # blank nodes are framed (and their labels pruned) by PyLD
        nodes.setdefault(s, {}).setdefault(p, []).append(o)
    if URIRef(root) not in nodes:
        return None
    try:
        return _node(nodes, URIRef(root), (), _context())
    except _Unsupported:
        return None


def _node(nodes: dict[Node, dict[URIRef, list[Node]]], iri: URIRef, path: tuple[URIRef, ...], ctx: _Context) -> dict:
    """One framed node: its types and properties, nodes embedded unless that would close a circle."""
    out: dict[str, Any] = {"@id": _node_iri(iri, ctx)}
    path = (*path, iri)
    for prop, objects in nodes.get(iri, {}).items():
        if prop == RDF.type:
            types = [_class_name(t, ctx) for t in objects]
            out["@type"] = types[0] if len(types) == 1 else types
            continue
        name, coercion = _term(prop, ctx)
        values = [_value(nodes, o, coercion, path, ctx) for o in objects]
        out[name] = values[0] if len(values) == 1 else values
    return out


def _value(
    nodes: dict[Node, dict[URIRef, list[Node]]], value: Node, coercion: str, path: tuple[URIRef, ...], ctx: _Context
) -> Any:
    if isinstance(value, Literal):
        return _literal(value, coercion, ctx)
    if coercion == DATE or not isinstance(value, URIRef):
        raise _Unsupported("a node where a date is expected")
    if value in nodes and value not in path[:-1]:
        # embedded every time it is used; an ancestor only referred to, except the node it is the value of:
        # PyLD's check for circles leaves out the top of its stack, so a node that names itself is nested once
        return _node(nodes, value, path, ctx)
    return _node_iri(value, ctx) if coercion == IRI else {"@id": _node_iri(value, ctx)}


def _literal(value: Literal, coercion: str, ctx: _Context) -> Any:
    if value.language is not None:
        raise _Unsupported("a language-tagged string")
    datatype = value.datatype
    if coercion == DATE:
        if datatype != SCHEMA_DATE:
            raise _Unsupported("a date-coerced term with another datatype")
        return str(value)
    if coercion != PLAIN:
        raise _Unsupported("a literal where an IRI is expected")
    lexical = str(value)
    if datatype is None or datatype == XSD.string:
        return lexical
    if datatype == XSD.boolean and lexical in ("true", "false"):
        return lexical == "true"
    if datatype == XSD.integer and _INTEGER.match(lexical):
        return int(lexical)
    if datatype == XSD.double or not str(datatype).startswith(ctx.xsd) or str(datatype) in ctx.mapped:
        raise _Unsupported("a double, or a datatype outside XML Schema's or named by a term")
    return {"@type": "xsd:" + str(datatype)[len(ctx.xsd) :], "@value": lexical}


def _term(prop: URIRef, ctx: _Context) -> tuple[str, str]:
    found = ctx.terms.get(str(prop))
    if found is None:
        raise _Unsupported(f"{prop} has no term of its own")
    return found


def _class_name(cls: Node, ctx: _Context) -> str:
    found = ctx.terms.get(str(cls))
    if found is None or found[1] != PLAIN:
        raise _Unsupported(f"{cls} has no term of its own")
    return found[0]


def _node_iri(iri: URIRef, ctx: _Context) -> str:
    """A node's IRI as compaction leaves it: whole, unless the context could shorten or misread it."""
    text = str(iri)
    if text.startswith(ctx.namespaces) or text.startswith(ctx.prefix_names):
        raise _Unsupported(f"{text} lies under a namespace of the context")
    return text
