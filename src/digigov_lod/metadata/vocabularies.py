"""The controlled-vocabulary terms the catalog uses, typed and labelled.

Harvesters do not dereference vocabulary IRIs, so every term the catalog points to (EU Named
Authority Lists, ADMS publisher types, IANA media types, licences …) is described in the catalog
itself. Labels come from the official files where we have them (``resources/dcat-ap/vocabularies/
eu-vocabularies-extract.ttl``, see its SOURCES.md) and from the table below otherwise.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeGuard

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..namespaces import SPDX

AUTHORITY = "http://publications.europa.eu/resource/authority/"
LANGUAGE = Namespace(AUTHORITY + "language/")
COUNTRY = Namespace(AUTHORITY + "country/")
DATA_THEME = Namespace(AUTHORITY + "data-theme/")
FILE_TYPE = Namespace(AUTHORITY + "file-type/")
FREQUENCY = Namespace(AUTHORITY + "frequency/")
ACCESS_RIGHT = Namespace(AUTHORITY + "access-right/")
PLANNED_AVAILABILITY = Namespace(AUTHORITY + "planned-availability/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
DATA_THEME_SCHEME = URIRef(AUTHORITY + "data-theme")

CC_BY_4 = URIRef("http://creativecommons.org/licenses/by/4.0/")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
SHA256 = SPDX.checksumAlgorithm_sha256

#: Namespaces whose terms must be described in the catalog (a term used but unknown is an error).
CONTROLLED = (
    AUTHORITY,
    str(PUBLISHER_TYPE),
    str(LICENCE_TYPE),
    IANA_MEDIA_TYPE,
    "http://creativecommons.org/",
    str(SPDX),
)

# Classes the DCAT-AP range shapes expect for each kind of term.
_CLASSES: dict[str, tuple[URIRef, ...]] = {
    AUTHORITY + "language/": (DCTERMS.LinguisticSystem, SKOS.Concept),
    AUTHORITY + "country/": (DCTERMS.Location, SKOS.Concept),
    AUTHORITY + "data-theme/": (SKOS.Concept,),
    AUTHORITY + "file-type/": (DCTERMS.MediaTypeOrExtent, SKOS.Concept),
    AUTHORITY + "frequency/": (DCTERMS.Frequency, SKOS.Concept),
    AUTHORITY + "access-right/": (DCTERMS.RightsStatement, SKOS.Concept),
    AUTHORITY + "planned-availability/": (SKOS.Concept,),
    str(PUBLISHER_TYPE): (SKOS.Concept,),
    str(LICENCE_TYPE): (SKOS.Concept,),
    IANA_MEDIA_TYPE: (DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent),
    "http://creativecommons.org/": (DCTERMS.LicenseDocument,),
    str(SPDX): (SPDX.ChecksumAlgorithm,),
}

# Terms of lists we do not ship as files (language, access-right and planned-availability NALs are
# too large or absent from the reference snapshot): labels as published on op.europa.eu.
_LABELS: dict[URIRef, tuple[URIRef | None, dict[str, str]]] = {
    LANGUAGE.SWE: (URIRef(AUTHORITY + "language"), {"en": "Swedish", "sv": "svenska"}),
    LANGUAGE.ENG: (URIRef(AUTHORITY + "language"), {"en": "English", "sv": "engelska"}),
    ACCESS_RIGHT.PUBLIC: (URIRef(AUTHORITY + "access-right"), {"en": "public", "sv": "offentlig"}),
    PLANNED_AVAILABILITY.STABLE: (URIRef(AUTHORITY + "planned-availability"), {"en": "stable"}),
    CC_BY_4: (None, {"en": "Creative Commons Attribution 4.0 International (CC BY 4.0)"}),
    CC0: (None, {"en": "Creative Commons CC0 1.0 Universal Public Domain Dedication"}),
    SHA256: (None, {"en": "SHA-256"}),
}
_LICENCE_TYPES = {CC_BY_4: LICENCE_TYPE.Attribution, CC0: LICENCE_TYPE.PublicDomain}
_SCHEME_TITLES = {
    URIRef(AUTHORITY + "language"): "Language",
    URIRef(AUTHORITY + "access-right"): "Access right",
    URIRef(AUTHORITY + "planned-availability"): "Planned availability",
}


def iana(media_type: str) -> URIRef:
    """The IANA registry IRI DCAT-AP uses for a media type (``text/turtle`` → ``https://www.iana.org/…``)."""
    return URIRef(IANA_MEDIA_TYPE + media_type)


def file_type(code: str) -> URIRef:
    return FILE_TYPE[code]


@cache
def _extract() -> Graph:
    path = resources.files("digigov_lod") / "resources" / "dcat-ap" / "vocabularies" / "eu-vocabularies-extract.ttl"
    return Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")


def _classes_for(term: URIRef) -> tuple[URIRef, ...]:
    for prefix, classes in _CLASSES.items():
        if str(term).startswith(prefix):
            return classes
    return ()


def is_controlled(term: object) -> TypeGuard[URIRef]:
    return isinstance(term, URIRef) and str(term).startswith(CONTROLLED)


def describe(term: URIRef) -> Graph | None:
    """Type, labels and scheme of one controlled term (None if we have no labels for it)."""
    out = Graph()
    extract = _extract()
    if (term, None, None) in extract:
        for p, o in extract.predicate_objects(term):
            out.add((term, p, o))
        for listing in extract.objects(term, SKOS.inScheme):
            for p, o in extract.predicate_objects(listing):
                out.add((listing, p, o))
    elif term in _LABELS:
        scheme, labels = _LABELS[term]
        for lang, text in labels.items():
            out.add((term, SKOS.prefLabel if scheme else DCTERMS.title, Literal(text, lang=lang)))
            out.add((term, RDFS.label, Literal(text, lang=lang)))
        if scheme is not None:
            out.add((term, SKOS.inScheme, scheme))
            out.add((scheme, RDF.type, SKOS.ConceptScheme))
            out.add((scheme, DCTERMS.title, Literal(_SCHEME_TITLES[scheme], lang="en")))
    elif str(term).startswith(IANA_MEDIA_TYPE):
        out.add((term, RDFS.label, Literal(str(term)[len(IANA_MEDIA_TYPE) :])))
    else:
        return None
    if term in _LICENCE_TYPES:
        out.add((term, DCTERMS.type, _LICENCE_TYPES[term]))
    for cls in _classes_for(term):
        out.add((term, RDF.type, cls))
    return out


def scheme(iri: URIRef) -> Graph:
    """A concept scheme the catalog names (``dcat:themeTaxonomy``), typed and titled."""
    out = Graph()
    for p, o in _extract().predicate_objects(iri):
        out.add((iri, p, o))
    out.add((iri, RDF.type, SKOS.ConceptScheme))
    return out


def label_controlled_terms(catalog: Graph) -> list[URIRef]:
    """Add the description of every controlled term the catalog uses; return the terms we cannot label."""
    done: set[URIRef] = set()
    unknown: list[URIRef] = []
    while True:  # a description may name further terms (a licence its licence type)
        used = {o for p, o in catalog.predicate_objects() if p != RDF.type and is_controlled(o)}
        todo = sorted(t for t in used - done if (t, RDF.type, None) not in catalog)
        if not todo:
            return unknown
        for term in todo:
            done.add(term)
            description = describe(term)
            if description is None:
                unknown.append(term)
            else:
                catalog += description
