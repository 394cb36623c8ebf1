"""The frames: which schema.org properties a snippet shows for each kind of node, and how deep it nests.

A frame is chosen by the node's schema.org type (walking up the class hierarchy shipped in
``resources/schemaorg/``). Each property is either shown as it is (``VALUE``: a literal, or an IRI
as a reference), nested with the frame of the object's own type (``EMBED``), or nested briefly
(``BRIEF``: type, name, url, sameAs) — superEvent, about, isPartOf and mentions point outwards and
would otherwise pull in half the graph. ``EMBED`` costs one level of the depth budget; when it is
spent, objects are shown briefly.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

VALUE, EMBED, BRIEF = "value", "embed", "brief"

Frame = dict[str, str]  # schema.org local name → VALUE | EMBED | BRIEF

_THING: Frame = {"name": VALUE, "alternateName": VALUE, "description": VALUE, "url": VALUE, "sameAs": VALUE}

BRIEF_FRAME: Frame = {"name": VALUE, "url": VALUE, "sameAs": VALUE}

FRAMES: dict[str, Frame] = {
    "Event": {
        **_THING,
        "startDate": VALUE,
        "endDate": VALUE,
        "duration": VALUE,
        "eventStatus": VALUE,
        "eventAttendanceMode": VALUE,
        "inLanguage": VALUE,
        "image": VALUE,
        "location": EMBED,
        "organizer": EMBED,
        "performer": EMBED,
        "attendee": EMBED,
        "subEvent": EMBED,
        "superEvent": BRIEF,
        "workFeatured": BRIEF,
        "about": BRIEF,
    },
    "Role": {
        "roleName": VALUE,
        "startDate": VALUE,
        "endDate": VALUE,
        # the Role pattern: a role repeats the property that points at it
        "performer": EMBED,
        "attendee": EMBED,
        "affiliation": EMBED,
        "organizer": EMBED,
        "author": EMBED,
        "memberOf": EMBED,
        "worksFor": EMBED,
        "hasOccupation": EMBED,
    },
    "Person": {
        **_THING,
        "givenName": VALUE,
        "familyName": VALUE,
        "honorificPrefix": VALUE,
        "jobTitle": VALUE,
        "image": VALUE,
        "affiliation": EMBED,
        "worksFor": EMBED,
        "memberOf": EMBED,
        "hasOccupation": EMBED,
    },
    "Organization": {
        **_THING,
        "legalName": VALUE,
        "foundingDate": VALUE,
        "email": VALUE,
        "telephone": VALUE,
        "logo": VALUE,
        "address": EMBED,
        "contactPoint": EMBED,
        "parentOrganization": BRIEF,
        "location": BRIEF,
        "areaServed": BRIEF,
    },
    "Place": {**_THING, "address": EMBED, "geo": EMBED, "containedInPlace": BRIEF},
    "PostalAddress": {
        "name": VALUE,
        "streetAddress": VALUE,
        "postalCode": VALUE,
        "addressLocality": VALUE,
        "addressRegion": VALUE,
        "addressCountry": VALUE,
        "postOfficeBoxNumber": VALUE,
    },
    "ContactPoint": {"name": VALUE, "contactType": VALUE, "email": VALUE, "telephone": VALUE, "url": VALUE},
    "GeoCoordinates": {"latitude": VALUE, "longitude": VALUE, "elevation": VALUE},
    "CreativeWork": {
        **_THING,
        "headline": VALUE,
        "alternativeHeadline": VALUE,
        "text": VALUE,
        "inLanguage": VALUE,
        "datePublished": VALUE,
        "dateModified": VALUE,
        "dateCreated": VALUE,
        "temporalCoverage": VALUE,
        "position": VALUE,
        "license": VALUE,
        "image": VALUE,
        "contentUrl": VALUE,
        "encodingFormat": VALUE,
        "author": EMBED,
        "publisher": EMBED,
        "appearance": BRIEF,
        "isPartOf": BRIEF,
        "hasPart": BRIEF,
        "about": BRIEF,
        "mentions": BRIEF,
    },
    "Thing": {**_THING, "image": VALUE, "termCode": VALUE, "about": BRIEF, "inDefinedTermSet": BRIEF},
}

#: Depth budget of a snippet's root: conference → day → session → role → person → affiliation.
DEFAULT_DEPTH = 5


@cache
def class_hierarchy() -> dict[str, list[str]]:
    """schema.org class → its direct superclasses (local names), from the shipped vocabulary."""
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / "schemaorg-class-hierarchy.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def ancestors(schema_class: str) -> frozenset[str]:
    """Every superclass of a schema.org class (itself excluded)."""
    seen: set[str] = set()
    todo = list(class_hierarchy().get(schema_class, ()))
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo.extend(class_hierarchy().get(parent, ()))
    return frozenset(seen)


def most_specific(schema_classes: set[str]) -> list[str]:
    """The classes that are not a superclass of another one in the set, sorted."""
    implied = set().union(*(ancestors(c) for c in schema_classes)) if schema_classes else set()
    return sorted(c for c in schema_classes if c not in implied)


def frame_for(schema_classes: set[str]) -> Frame:
    """The frame for a node with these schema.org classes: the nearest family in the hierarchy."""
    for family in ("Role", "PostalAddress", "ContactPoint", "GeoCoordinates"):
        if any(c == family or family in ancestors(c) for c in schema_classes):
            return FRAMES[family]
    for family in ("Event", "Person", "Organization", "Place", "CreativeWork"):
        if any(c == family or family in ancestors(c) for c in schema_classes):
            return FRAMES[family]
    return FRAMES["Thing"]


def derive_class_hierarchy(vocabulary_ttl: str) -> dict[str, list[str]]:
    """Class → direct superclasses, read from a schema.org vocabulary file (https namespace)."""
    from rdflib import RDF, RDFS, Graph, URIRef

    graph = Graph().parse(vocabulary_ttl, format="turtle")
    schema = "https://schema.org/"
    hierarchy = {}
    for cls in set(graph.subjects(RDF.type, RDFS.Class)):
        if isinstance(cls, URIRef) and str(cls).startswith(schema):
            parents = (str(p) for p in graph.objects(cls, RDFS.subClassOf))
            hierarchy[str(cls)[len(schema) :]] = sorted(p[len(schema) :] for p in parents if p.startswith(schema))
    return dict(sorted(hierarchy.items()))


if __name__ == "__main__":  # regenerate resources/schemaorg/schemaorg-class-hierarchy.json
    import sys

    print(json.dumps(derive_class_hierarchy(sys.argv[1]), indent=0, sort_keys=True))
