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
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, VOCAB

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
        document["@graph"] = sorted(nodes, key=_sort_key)
    return dict(sorted(document.items()))


#: The order of array items in the stable form: their JSON text with sorted keys (``json.dumps(item, sort_keys=True)``).
_sort_key = json.JSONEncoder(sort_keys=True).encode


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
    nil = str(RDF.nil)
    nodes: dict[str, dict[str, JsonValue]] = {}
    for subject, predicate, obj in graph:
        if type(subject) is not URIRef or isinstance(obj, BNode):
            raise NeedsRdflib
        node = nodes.get(name := str(subject))
        if node is None:
            node = nodes[name] = {"@id": shrink(name)}
        if isinstance(obj, Literal):
            datatype = None if obj.datatype is None else str(obj.datatype)
            key = key_of(str(predicate), (datatype, obj.language))
            value = _literal(obj, datatype, symbol)
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
