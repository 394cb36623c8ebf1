"""Snippets: one resource (or the whole conference) as compact, framed JSON-LD for a web page.

Three steps, each checkable on its own:

1. :func:`select` walks the frames (see :mod:`.frames`) from the root and collects the
   *corresponding subgraph* — the triples the snippet will state.
2. :func:`prepare` rewrites that subgraph for the variant: the embed variant keeps only schema.org
   terms, one language (tags dropped), the most specific schema.org type per node and the
   context's date coercion; both variants move schema.org *terms* (properties, classes, datatypes)
   from ``https://schema.org/`` to ``http://schema.org/``, the namespace the official context
   expands to (see docs/jsonld.md).
3. :func:`snippet` frames and compacts it with PyLD against ``"@context": "https://schema.org"``,
   served from the shipped file by the offline loader.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from pyld import jsonld
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..iris import VOCAB_SEGMENT, thing_iri, things_namespace
from ..pretty_json import indented_json
from . import frames
from .fast_frame import Triple, embed_document
from .loader import SCHEMAORG_CONTEXT_URL, options, schemaorg_context
from .pruned_context import document_iris, pruned_schemaorg_context

SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

EMBED, FULL = "embed", "full"
VARIANTS = (EMBED, FULL)
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"  # the report and its readers are Swedish

CONFERENCE = ("event", "digigov-2017")
_TEMPORAL = {XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth}


class NoSuchResource(LookupError):
    """The IRI is not the subject of any triple in the graph."""


@dataclass(frozen=True)
class Options:
    variant: str = EMBED
    lang: str = DEFAULT_LANGUAGE
    depth: int = frames.DEFAULT_DEPTH

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {self.variant!r}")
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {self.lang!r}")
        if not 0 <= self.depth <= frames.DEFAULT_DEPTH:
            raise ValueError(f"depth must be a whole number from 0 to {frames.DEFAULT_DEPTH}, got {self.depth!r}")


def conference_iri(base: str) -> str:
    return thing_iri(base, *CONFERENCE)


def schema_classes(graph: Graph, node: Node) -> set[str]:
    """Local names of the node's schema.org classes."""
    return _schema_names(graph.objects(node, RDF.type))


def _schema_names(types: Iterable[Node]) -> set[str]:
    return {str(t)[len(SCHEMA) :] for t in types if str(t).startswith(SCHEMA)}


def _by_predicate(graph: Graph, node: Node) -> dict[Node, list[Node]]:
    """The node's statements in ``graph``, objects grouped by predicate."""
    grouped: dict[Node, list[Node]] = {}
    for p, o in graph.predicate_objects(node):
        grouped.setdefault(p, []).append(o)
    return grouped


# ---------------------------------------------------------------- 1. the corresponding subgraph


#: Where :func:`select` reads a node's statements: for an IRI, a graph holding at least the IRI's own
#: statements and those of the blank nodes they lead to (a resource's neighbourhood), so that a server
#: reads a snippet node by node instead of holding the whole graph. A whole graph answers for every node.
Source = Callable[[URIRef], Graph]


def statements_of(graph: Graph | Source) -> Source:
    """``graph`` as a source; each IRI looked up once (a walk meets a node at several depths)."""
    if isinstance(graph, Graph):
        return lambda _node: graph
    return cache(graph)


def select(graph: Graph | Source, root: URIRef, opts: Options = Options()) -> Graph:
    """The triples a snippet of ``root`` states (still in the graph's own terms), as a graph."""
    out = Graph()
    out.addN((s, p, o, out) for s, p, o in selected_triples(graph, root, opts))
    return out


def selected_triples(graph: Graph | Source, root: URIRef, opts: Options = Options()) -> set[Triple]:
    """The triples a snippet of ``root`` states (still in the graph's own terms).

    Nodes are *nested* from the root along the frames' EMBED and BRIEF properties within the depth
    budget. For every nested node the embed variant takes its schema.org types and the frame's
    properties; the full variant takes every triple of a node nested with a full frame.

    ``graph``: the whole graph, or a :data:`Source` read node by node. A blank node has no IRI to look up:
    its statements come from the graph of the node that led to it.
    """
    lookup = statements_of(graph)
    if (root, None, None) not in lookup(root):
        raise NoSuchResource(str(root))
    out: set[Triple] = set()
    seen: set[tuple[Node, bool, int]] = set()

    def walk(node: Node, via: Graph, brief: bool, depth: int) -> None:
        if (node, brief, depth) in seen:
            return
        seen.add((node, brief, depth))
        around = via if isinstance(node, BNode) else lookup(URIRef(node))
        statements = _by_predicate(around, node)  # one lookup per node, not one per frame property
        types = statements.pop(RDF.type, [])
        frame = frames.BRIEF_FRAME if brief else frames.frame_for(_schema_names(types))
        for t in types:
            if opts.variant == FULL or str(t).startswith(SCHEMA):
                out.add((node, RDF.type, t))
        for p, objects in statements.items():
            mode = frame.get(str(p)[len(SCHEMA) :]) if str(p).startswith(SCHEMA) else None
            if mode is None:
                if opts.variant == FULL and not brief:
                    out.update((node, p, o) for o in objects)
                continue
            for o in objects:
                out.add((node, p, o))
                nested = None if isinstance(o, Literal) else _nesting(mode, isinstance(o, BNode), depth)
                if nested is not None:  # a node without statements adds nothing: no need to look it up first
                    walk(o, around, *nested)

    walk(root, lookup(root), False, opts.depth)
    return out


def _nesting(mode: str, blank: bool, depth: int) -> tuple[bool, int] | None:
    """How an object of a frame property is nested: (brief, depth left), or None when it is only referred
    to. A blank node is always nested (it has no IRI to refer to)."""
    if (mode == frames.EMBED or blank) and depth > 0:
        return False, depth - 1
    if mode in (frames.EMBED, frames.BRIEF) or blank:
        return True, 0
    return None


# ---------------------------------------------------------------- 2. rewriting for the variant


@cache
def date_coerced_terms() -> frozenset[str]:
    """schema.org properties the official context coerces to ``schema:Date`` (startDate, endDate …)."""
    context = schemaorg_context()["@context"]
    return frozenset(
        term for term, value in context.items() if isinstance(value, dict) and value.get("@type") == "Date"
    )


def to_context_namespace(term: Node) -> Node:
    """A schema.org term in the namespace of the official context (``http://schema.org/``)."""
    if isinstance(term, URIRef) and str(term).startswith(SCHEMA):
        return URIRef(SCHEMA_HTTP + str(term)[len(SCHEMA) :])
    return term


def stockholm_time(lexical: str) -> str:
    """An xsd:dateTime with its offset: a time without one is Stockholm local time."""
    moment = datetime.fromisoformat(lexical.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.isoformat()


def embed_literal(prop: str, literal: Literal) -> Literal:
    """A literal as the embed variant states it: no language tag, dates as the context coerces them."""
    if literal.language:
        return Literal(str(literal))
    if literal.datatype in _TEMPORAL:
        lexical = stockholm_time(str(literal)) if literal.datatype == XSD.dateTime else str(literal)
        if prop in date_coerced_terms():
            return Literal(lexical, datatype=URIRef(SCHEMA_HTTP + "Date"))
        return Literal(lexical, datatype=literal.datatype)
    return literal


def pick_language(literals: list[Literal], lang: str) -> list[Literal]:
    """Untagged literals, plus the tagged ones in ``lang`` (else in the first language that has some)."""
    untagged = [lit for lit in literals if not lit.language]
    tagged = [lit for lit in literals if lit.language]
    for choice in (lang, *LANGUAGES, *sorted({lit.language for lit in tagged})):
        chosen = [lit for lit in tagged if lit.language == choice]
        if chosen:
            return untagged + chosen
    return untagged


def prepare(selected: Iterable[Triple], opts: Options = Options()) -> set[Triple]:
    """The selected triples rewritten for the variant, ready for framing."""
    if opts.variant == FULL:
        return {
            (s, to_context_namespace(p), to_context_namespace(o) if p == RDF.type else _datatype_ns(o))
            for s, p, o in selected
        }
    grouped: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in selected:
        grouped.setdefault(s, {}).setdefault(p, []).append(o)
    out: set[Triple] = set()
    for s, statements in grouped.items():
        for name in frames.most_specific(_schema_names(statements.pop(RDF.type, []))):
            out.add((s, RDF.type, URIRef(SCHEMA_HTTP + name)))
        for p, objects in statements.items():
            prop = str(p)[len(SCHEMA) :]
            literals = pick_language([o for o in objects if isinstance(o, Literal)], opts.lang)
            for o in [o for o in objects if not isinstance(o, Literal)] + literals:
                value = embed_literal(prop, o) if isinstance(o, Literal) else o
                out.add((s, to_context_namespace(p), value))
    return out


def _datatype_ns(o: Node) -> Node:
    if isinstance(o, Literal) and o.datatype is not None and str(o.datatype).startswith(SCHEMA):
        return Literal(str(o), datatype=to_context_namespace(o.datatype))
    return o


# ---------------------------------------------------------------- 3. framing and compaction


def context_for(opts: Options, base: str) -> str | list[Any]:
    """``"https://schema.org"``; the full variant adds a prefix for the own vocabulary."""
    if opts.variant == EMBED:
        return SCHEMAORG_CONTEXT_URL
    return [SCHEMAORG_CONTEXT_URL, {"dgv": base + VOCAB_SEGMENT, "wd": "http://www.wikidata.org/entity/"}]


_KEY_ORDER = {"@context": 0, "@type": 1, "@id": 2, "name": 3, "headline": 4}


def _tidy(value: Any, ordered: bool = False) -> Any:
    """Keyword aliases of the schema.org context (``id``, ``type``) back to ``@id``/``@type``; keys in reading
    order; arrays sorted (``ordered``: an ``@list``, whose order is its meaning, keeps it).

    ``id`` and ``type`` are aliases of the keywords in the context, so this changes no triple; but
    validators and search engines look for ``@type``. A JSON-LD array is a set: PyLD gives its items in the
    order it met the triples, which follows Python's per-process hash order, so without sorting two
    processes would send different bytes under the same ETag.
    """
    if isinstance(value, list):
        items = [_tidy(v) for v in value]
        return items if ordered else sorted(items, key=_canonical)
    if not isinstance(value, dict):
        return value
    renamed = {{"id": "@id", "type": "@type"}.get(k, k): _tidy(v, k == "@list") for k, v in value.items()}
    return dict(sorted(renamed.items(), key=lambda kv: (_KEY_ORDER.get(kv[0], 9), kv[0])))


def _canonical(value: Any) -> str:
    """A sort key for a JSON value: its text with sorted keys."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _compacting_with(context: str | list[Any], expanded: Any) -> Any:
    """``context`` with the schema.org context cut down to what ``expanded`` names (the same result, faster)."""
    pruned = pruned_schemaorg_context(document_iris(expanded))
    if isinstance(context, str):
        return pruned if context == SCHEMAORG_CONTEXT_URL else context
    return [pruned if item == SCHEMAORG_CONTEXT_URL else item for item in context]


def frame_graph(
    prepared: Iterable[Triple], root: str, context: str | list[Any], prune: bool = True, fast: bool = True
) -> dict[str, Any]:
    """From RDF, framed on the root with every node embedded where it is used, compacted (``prune``:
    with only the terms of the schema.org context the document can use; the document names the context).

    ``fast``: the embed variant by :mod:`.fast_frame` where its rules reach, else (and always with
    ``fast=False``) by PyLD."""
    if fast and context == SCHEMAORG_CONTEXT_URL:
        document = embed_document(prepared, root)
        if document is not None:
            return _tidy({"@context": context, **document})
    expanded = jsonld.from_rdf(_dataset(prepared), options(useNativeTypes=True))
    frame = {"@context": _compacting_with(context, expanded) if prune else context, "@id": root, "@embed": "@always"}
    framed = jsonld.frame(expanded, frame, options(omitGraph=True, pruneBlankNodeIdentifiers=True))
    framed["@context"] = context
    if "@graph" in framed:  # more than one node matched: cannot happen for a subject IRI
        raise NoSuchResource(root)
    # A node with nothing to say in schema.org terms (a SKOS concept, say) still names itself.
    return _tidy({"@id": root, **framed})


def _term(term: Node) -> dict[str, str]:
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else str(XSD.string)
        if term.language:
            return {"type": "literal", "value": str(term), "datatype": str(RDF.langString), "language": term.language}
        return {"type": "literal", "value": str(term), "datatype": datatype}
    return {"type": "IRI", "value": str(term)}


def _dataset(graph: Iterable[Triple]) -> dict[str, list[dict[str, dict[str, str]]]]:
    """The graph as PyLD's RDF dataset structure (no N-Quads text: PyLD splits lines on U+2028)."""
    # sorted: a graph iterates in the order of Python's per-process string hashes, and PyLD keeps that order in
    # arrays, so replicas (and restarts) would send different bytes under the same ETag
    return {"@default": [{"subject": _term(s), "predicate": _term(p), "object": _term(o)} for s, p, o in sorted(graph)]}


def snippet(
    graph: Graph | Source, iri: str, opts: Options = Options(), base: str | None = None, prune: bool = True
) -> dict[str, Any]:
    """The JSON-LD snippet (a dict) for ``iri``, from the whole graph or a :data:`Source` (see :func:`select`;
    ``prune``: see :func:`frame_graph`)."""
    root = URIRef(iri)
    base = base or _guess_base(iri)
    return frame_graph(prepare(selected_triples(graph, root, opts), opts), iri, context_for(opts, base), prune)


def _guess_base(iri: str) -> str:
    head, sep, _ = iri.partition("/id/")
    return head + "/" if sep else iri


# ---------------------------------------------------------------- text and HTML

_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def json_text(document: dict[str, Any]) -> str:
    """Pretty JSON (UTF-8, not ASCII-escaped)."""
    return indented_json(document) + "\n"


def script_safe_json(document: dict[str, Any]) -> str:
    """JSON that no literal can break out of a ``<script>`` with: ``<``, ``>``, ``&`` as ``\\u003c`` …"""
    return indented_json(document).translate(_SCRIPT_ESCAPES)


def script_element(document: dict[str, Any]) -> str:
    """The ready ``<script type="application/ld+json">`` element for a page's ``<head>`` or ``<body>``."""
    return f'<script type="application/ld+json">\n{script_safe_json(document)}\n</script>\n'


def iter_resources(graph: Graph, base: str) -> Iterable[URIRef]:
    """Every thing of the dataset (``{base}id/…``) that is the subject of a triple."""
    prefix = things_namespace(base)
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(prefix)})
