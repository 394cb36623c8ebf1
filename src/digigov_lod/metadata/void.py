"""The VoID description of a release: statistics computed from the graph, never typed by hand.

Served at ``{base}.well-known/void``. The described ``void:Dataset`` is the catalog's dataset
(``{base}catalog#dataset``), so DCAT and VoID talk about the same thing; partitions are hash IRIs
of the VoID document, derived from the class or property IRI (stable across releases).
"""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD

from ..iris import things_namespace
from ..namespaces import SCHEMA, bind_prefixes
from ..release import ReleaseFile
from .statistics import GraphStatistics

IGNORED_VOCABULARIES = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2001/XMLSchema#")
FORMAT_FEATURES = {
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}


def namespace_of(iri: str) -> str:
    """``https://schema.org/Event`` → ``https://schema.org/``; ``…/core#Concept`` → ``…/core#``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def vocabularies_used(statistics: GraphStatistics, base: str) -> list[str]:
    """Namespaces of every class (object of rdf:type) and property in the graph, except rdf/xsd."""
    spaces = {namespace_of(term) for term in statistics.classes_and_properties()}
    # instances under {base}id/ are data, not vocabulary, even when used as a class
    return sorted(
        s for s in spaces if s and not s.startswith(IGNORED_VOCABULARIES) and not s.startswith(things_namespace(base))
    )


def example_resources(graph: Graph) -> list[URIRef]:
    """A few typical resources: the report, the conference it is about, and its author."""
    found: list[URIRef] = []
    reports = [r for r in graph.subjects(RDF.type, SCHEMA.Report) if isinstance(r, URIRef)]
    if reports:  # the report the most is derived from or part of: the source document itself
        report = min(reports, key=lambda r: (-len(list(graph.subjects(None, r))), str(r)))
        found.append(report)
        found.extend(sorted(o for o in graph.objects(report, SCHEMA.about) if isinstance(o, URIRef)))
        found.extend(sorted(o for o in graph.objects(report, SCHEMA.author) if isinstance(o, URIRef)))
    if not found:  # a graph without a report: the first few typed resources
        found = sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)})[:3]
    return list(dict.fromkeys(found))


def partition_fragment(kind: str, iri: str, graph: Graph) -> str:
    """The fragment naming the VoID partition of a class or property (`class-schema-Person`); the
    vocabulary page uses the same names as anchors."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(iri, generate=False)
        name = f"{prefix}-{local}"
    except Exception:
        name = hashlib.sha1(iri.encode()).hexdigest()[:12]
    return f"{kind}-{name}"


def void_graph(
    graph: Graph, dumps: list[ReleaseFile], base: str, created: str, statistics: GraphStatistics | None = None
) -> Graph:
    """The VoID description of ``graph`` as released with ``dumps`` (``statistics``: of ``graph``, if made)."""
    void = bind_prefixes(Graph(), base)
    document = URIRef(f"{base}.well-known/void")
    dataset = URIRef(f"{base}catalog#dataset")
    uri_space = things_namespace(base)

    void.add((document, RDF.type, VOID.DatasetDescription))
    void.add((document, DCTERMS.title, Literal("VoID-beskrivning av DigiGov 2017-kunskapsgrafen", lang="sv")))
    void.add((document, DCTERMS.title, Literal("VoID description of the DigiGov 2017 knowledge graph", lang="en")))
    void.add((document, FOAF.primaryTopic, dataset))
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, DCTERMS.title, Literal("DigiGov 2017 – kunskapsgraf", lang="sv")))
    void.add((dataset, DCTERMS.title, Literal("DigiGov 2017 – knowledge graph", lang="en")))
    void.add((dataset, DCTERMS.license, URIRef("http://creativecommons.org/licenses/by/4.0/")))
    void.add((dataset, DCTERMS.modified, Literal(created[:10], datatype=XSD.date)))
    void.add((dataset, FOAF.homepage, URIRef(base)))

    stats = statistics or GraphStatistics.of(graph)
    entities = {s for s in stats.iri_subjects() if s.startswith(uri_space)}

    def count(p: URIRef, n: int, subject: URIRef = dataset) -> None:
        void.add((subject, p, Literal(n, datatype=XSD.integer)))

    count(VOID.triples, stats.triples)
    count(VOID.entities, len(entities))
    count(VOID.distinctSubjects, len(stats.subjects))
    count(VOID.distinctObjects, len(stats.objects))
    count(VOID.classes, len(stats.instances))
    count(VOID.properties, len(stats.property_triples))
    void.add((dataset, VOID.uriSpace, Literal(uri_space)))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    for namespace in vocabularies_used(stats, base):
        void.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for dump in dumps:
        if dump.role in ("dump", "dump-gzip"):
            void.add((dataset, VOID.dataDump, URIRef(f"{base}download/{dump.name}")))
            if dump.role == "dump" and dump.media_type in FORMAT_FEATURES:
                void.add((dataset, VOID.feature, URIRef(FORMAT_FEATURES[dump.media_type])))
    for resource in example_resources(graph):
        void.add((dataset, VOID.exampleResource, resource))

    for cls in sorted(stats.instances):
        partition = URIRef(f"{document}#{partition_fragment('class', cls, graph)}")
        void.add((dataset, VOID.classPartition, partition))
        void.add((partition, VOID["class"], URIRef(cls)))
        count(VOID.entities, len(stats.instances[cls]), partition)
    for prop in sorted(stats.property_triples):
        partition = URIRef(f"{document}#{partition_fragment('property', prop, graph)}")
        void.add((dataset, VOID.propertyPartition, partition))
        void.add((partition, VOID.property, URIRef(prop)))
        count(VOID.triples, stats.property_triples[prop], partition)
        count(VOID.distinctSubjects, len(stats.property_subjects[prop]), partition)
        count(VOID.distinctObjects, len(stats.property_objects[prop]), partition)
    return void
