"""Build-time materialisation: the triples a newcomer's plain SPARQL needs, derived from the sources.

Researchers query the graph without RDFS inference, so three kinds of triples are written out
before validation and publication (``docs/modelling.md``, "Materialised at build time"):

1. supertypes: every resource typed with a schema.org class is also typed with all its
   superclasses from the shipped schema.org vocabulary (a ``schema:GovernmentOrganization`` is a
   ``schema:Organization``, a ``schema:City`` a ``schema:Place`` …), and every resource typed with
   an own class also with the superclasses the ontology declares;
2. performers upwards: a day and the conference list the performers (``schema:performer``) and
   the performance roles (``dgv:performerRole``) of their sessions, marked ``dgv:derivedProperty``;
3. ``rdfs:label`` = ``schema:name`` wherever a resource has a name and no label, so generic tools
   (YASGUI, LodView, Protégé) show names.

The function is idempotent: running it on its own output adds nothing.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SDO

from .iris import CANONICAL_BASE
from .namespaces import vocab_namespace

SCHEMA = str(SDO)

#: (direct property, the own property that reaches the Role nodes qualifying it) propagated upwards
_UPWARD = ("performer", "performerRole")


@cache
def schema_superclasses() -> dict[str, frozenset[str]]:
    """schema.org class (local name) → all its superclasses, from the shipped vocabulary.

    ``resources/schemaorg/schemaorg-class-hierarchy.json`` is derived from
    ``schemaorg-current-https.ttl`` by ``python -m digigov_lod.jsonld.frames`` (and checked against
    it by the tests); reading the JSON keeps the build from parsing 1 MB of Turtle every time.
    """
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / "schemaorg-class-hierarchy.json"
    direct: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    closure: dict[str, frozenset[str]] = {}
    for name in direct:
        seen: set[str] = set()
        todo = list(direct[name])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        closure[name] = frozenset(seen)
    return closure


def _supertypes(graph: Graph) -> int:
    own: dict[URIRef, set[URIRef]] = {}
    for cls, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(cls, URIRef) and isinstance(parent, URIRef) and not str(cls).startswith(SCHEMA):
            own.setdefault(cls, set()).add(parent)

    @cache  # once per class, so that every added type is one shared term
    def closure(cls: URIRef) -> set[URIRef]:
        found: set[URIRef] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            parents = set(own.get(current, ()))
            if str(current).startswith(SCHEMA):
                parents |= {URIRef(SCHEMA + p) for p in schema_superclasses().get(str(current)[len(SCHEMA) :], ())}
            for parent in parents - found:
                found.add(parent)
                todo.append(parent)
        return found

    added = 0
    for subject, cls in list(graph.subject_objects(RDF.type)):
        if isinstance(cls, URIRef):
            for parent in closure(cls):
                if (subject, RDF.type, parent) not in graph:
                    graph.add((subject, RDF.type, parent))
                    added += 1
    return added


def _performers_upwards(graph: Graph, base: str) -> int:
    dgv = vocab_namespace(base)
    direct, via_role = SDO[_UPWARD[0]], dgv[_UPWARD[1]]
    added = 0
    for event in set(graph.subjects(SDO.superEvent, None)):
        values = set(graph.objects(event, direct))
        roles = set(graph.objects(event, via_role))
        if not values and not roles:
            continue
        for ancestor in graph.transitive_objects(event, SDO.superEvent):
            if ancestor is None or ancestor == event or (ancestor, RDF.type, SDO.EventSeries) in graph:
                continue  # the series is not where anyone performed
            for prop, items in ((direct, values), (via_role, roles)):
                new = [v for v in items if (ancestor, prop, v) not in graph]
                for value in new:
                    graph.add((ancestor, prop, value))
                if new:
                    graph.add((ancestor, dgv.derivedProperty, prop))
                added += len(new)
    return added


def _labels(graph: Graph) -> int:
    labelled = set(graph.subjects(RDFS.label, None))
    new = [(subject, RDFS.label, name) for subject, name in graph.subject_objects(SDO.name) if subject not in labelled]
    graph.addN((s, p, o, graph) for s, p, o in new)
    return len(new)


def materialise(graph: Graph, base: str = CANONICAL_BASE) -> int:
    """Add the build-time triples to ``graph`` (in place); return how many were added."""
    added = _performers_upwards(graph, base)
    added += _supertypes(graph)
    return added + _labels(graph)
