"""A graph as flat JSON-LD with its prefixes as the context: the document rdflib's serializer makes, fast,
with keys and arrays in a stable order.

rdflib's JSON-LD converter asks the graph, for every object of every statement, whether it starts an
``rdf:List``, and looks each predicate up in the context again: 49 of the 88 seconds the 500-copy
build spent on its JSON-LD dump, and much of a large resource page. Here every IRI is compacted once
(with rdflib's own :class:`Context`, so compaction is the same) and literals follow rdflib's rules.

Graphs the converter would treat specially (blank nodes, lists, ``rdf:nil``, a predicate that is a
term of the context) return None, and the caller uses rdflib. One difference is deliberate: where a
subject has several values of a predicate and the first one is falsy (``""``, ``0``, ``false``),
rdflib keeps only the later one; here every value is kept.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, cast

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, VOCAB

from .one_graph_store import all_triples

JsonValue = Any
#: The datatypes rdflib writes as native JSON values (as plain strings: they hash in C).
NATIVE_TYPES = frozenset(str(datatype) for datatype in PLAIN_LITERAL_TYPES)


class NeedsRdflib(Exception):
    """The graph holds something only rdflib's full converter handles."""


def flat_document(graph: Graph, prefixes: dict[str, str]) -> dict[str, JsonValue] | None:
    """The JSON-LD document of ``graph`` with ``prefixes`` as its context, keys and arrays sorted as
    ``release._stable_json`` sorts them; None if rdflib's converter is needed."""
    if not prefixes:
        return None  # rdflib writes an inactive context differently
    context = Context(prefixes)
    try:
        nodes = _nodes(graph, context)
    except NeedsRdflib:
        return None
    document: dict[str, JsonValue] = {"@context": dict(sorted(prefixes.items()))}
    if len(nodes) == 1:
        document.update(nodes[0])
    else:
        document["@graph"] = _sorted_nodes(nodes)
    return dict(sorted(document.items()))


_json_text = json.JSONEncoder(sort_keys=True).encode
_json_string = json.encoder.encode_basestring_ascii  # what that encoder writes for a string, in C


def _sort_key(item: JsonValue) -> str:
    """The order of array items in the stable form: their JSON text with sorted keys
    (``json.dumps(item, sort_keys=True)``), written directly for the common items, a string or an object of
    strings (``{"@id": …}``, a value with its language or type): a third of the JSON-LD dump's time went to
    the encoder's set-up for each item."""
    if type(item) is str:
        return _json_string(item)
    if type(item) is dict and all(type(value) is str for value in item.values()):
        return "{" + ", ".join(f"{_json_string(key)}: {_json_string(item[key])}" for key in sorted(item)) + "}"
    return _json_text(item)


def _sorted_nodes(nodes: list[dict[str, JsonValue]]) -> list[dict[str, JsonValue]]:
    """Nodes (keys in order) in the order of their JSON text. Where every node's text starts with its
    ``"@id"`` (the first key of each), the order is that of the ``@id`` strings as JSON writes them: a JSON
    string ends at its only unescaped quote, so none is a prefix of another, and the text after it never
    decides. That saves writing the whole document once only to sort it."""
    if all(next(iter(node)) == "@id" and type(node["@id"]) is str for node in nodes):
        return sorted(nodes, key=lambda node: _json_string(node["@id"]))
    return sorted(nodes, key=_sort_key)


def _in_order(node: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """The node with its keys sorted and several values of a key sorted by their JSON text (values are flat)."""
    return {
        key: sorted(value, key=_sort_key) if isinstance(value, list) else value for key, value in sorted(node.items())
    }


def _nodes(graph: Graph, context: Context) -> list[dict[str, JsonValue]]:
    # rdflib's terms hash and compare in Python; plain strings are the keys here, so that they do so in C
    shrink = cache(context.shrink_iri)
    symbol = cache(context.to_symbol)
    key_of = cache(lambda predicate, kind: _key(context, URIRef(predicate), kind))
    # and rdflib's isinstance goes through ABCMeta: once per class, not per statement
    is_blank = cache(lambda kind: issubclass(kind, BNode))
    is_literal = cache(lambda kind: issubclass(kind, Literal))
    nil = str(RDF.nil)
    nodes: dict[str, dict[str, JsonValue]] = {}
    for subject, predicate, obj in all_triples(graph):
        kind = type(obj)
        if type(subject) is not URIRef or is_blank(kind):
            raise NeedsRdflib
        node = nodes.get(name := str(subject))
        if node is None:
            node = nodes[name] = {"@id": shrink(name)}
        if is_literal(kind):
            literal = cast(Literal, obj)
            datatype = None if literal.datatype is None else str(literal.datatype)
            key = key_of(str(predicate), (datatype, literal.language))
            value = _literal(literal, datatype, symbol)
        else:
            key = key_of(str(predicate), None)
            if (iri := str(obj)) == nil:
                raise NeedsRdflib
            value = symbol(iri) if key == "@type" else {"@id": shrink(iri)}
        if key in node:
            held = node[key]
            if isinstance(held, list):
                held.append(value)
            else:
                node[key] = [held, value]
        else:
            node[key] = value
    return [_in_order(node) for node in nodes.values()]


def _key(context: Context, predicate: URIRef, literal_kind: tuple[str | None, str | None] | None) -> str:
    """The key of ``predicate`` in a node; NeedsRdflib where the context has a term for it."""
    iri = str(predicate)
    if literal_kind is None:
        no_container: Any = None  # as rdflib's converter asks for an object that starts no list
        if predicate == RDF.first or any(context.find_term(iri, kind, no_container) for kind in (ID, VOCAB, UNDEF)):
            raise NeedsRdflib
    else:
        datatype, language = literal_kind
        if context.find_term(iri, datatype, language=language):
            raise NeedsRdflib
    key = context.to_symbol(predicate) or iri
    held = context.terms.get(key)
    if held and (held.type or held.container):
        raise NeedsRdflib
    if predicate == RDF.type:
        return "@type"
    return key


def _literal(literal: Literal, datatype: str | None, symbol: Any) -> JsonValue:
    """rdflib's rules with an active context: native JSON for its plain types, else @value with @type or @language."""
    if datatype is None:
        if literal.language:
            return {"@language": literal.language, "@value": str(literal)}
        return str(literal)
    if datatype in NATIVE_TYPES:
        return literal.toPython()
    return {"@type": symbol(datatype), "@value": str(literal)}
