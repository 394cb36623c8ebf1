"""Namespaces the project uses, and the prefixes every serialisation binds."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD, DefinedNamespace

from .iris import CANONICAL_BASE, KINDS, VOCAB_SEGMENT, kind_namespace

SCHEMA = SDO  # https://schema.org/ — the namespace of the shipped vocabulary file
SCHEMA_HTTP = Namespace("http://schema.org/")  # what the official JSON-LD context expands to
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EUROVOC_AUTH = Namespace("http://publications.europa.eu/resource/authority/")


def vocab_namespace(base: str = CANONICAL_BASE) -> Namespace:
    """The own vocabulary's namespace under ``base``."""
    return Namespace(base + VOCAB_SEGMENT)


DGV = vocab_namespace()

STANDARD_PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "schema": SCHEMA,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCTERMS,
    "dcat": DCAT,
    "foaf": FOAF,
    "void": VOID,
    "adms": ADMS,
    "vcard": VCARD,
    "sd": SD,
    "spdx": SPDX,
}


def bind_prefixes(graph: Graph, base: str = CANONICAL_BASE) -> Graph:
    """Bind the standard prefixes plus ``dgv:`` and one prefix per kind of thing."""
    for prefix, namespace in STANDARD_PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    graph.bind("dgv", vocab_namespace(base), replace=True)
    for kind in KINDS:
        graph.bind(kind, Namespace(kind_namespace(base, kind)), replace=True)
    return graph
