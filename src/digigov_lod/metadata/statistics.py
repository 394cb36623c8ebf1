"""What the release's metadata counts about the knowledge graph, gathered in one pass.

VoID's figures, the vocabularies the catalog and VoID list and the sitemap's pages each scanned the
graph with rdflib again (22 s of the 500-copy build). Here IRIs are kept as plain strings, which
hash and compare in C; other terms (literals, blank nodes) stay rdflib terms, which never equal a
plain string.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from ..one_graph_store import all_triples

Key = str | Node  # an IRI as a plain string, any other term as itself

RDF_TYPE = str(RDF.type)


@dataclass
class GraphStatistics:
    triples: int = 0
    subjects: set[Key] = field(default_factory=set)
    objects: set[Key] = field(default_factory=set)
    property_triples: Counter[str] = field(default_factory=Counter)
    property_subjects: defaultdict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))
    property_objects: defaultdict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))
    instances: defaultdict[str, set[Key]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, graph: Graph) -> GraphStatistics:
        stats = cls(triples=len(graph))
        for s, p, o in all_triples(graph):
            subject = str(s) if type(s) is URIRef else s
            obj = str(o) if type(o) is URIRef else o
            predicate = str(p)
            stats.property_triples[predicate] += 1
            stats.subjects.add(subject)
            stats.objects.add(obj)
            stats.property_subjects[predicate].add(subject)
            stats.property_objects[predicate].add(obj)
            if predicate == RDF_TYPE and type(obj) is str:
                stats.instances[obj].add(subject)
        return stats

    def iri_subjects(self) -> set[str]:
        return {s for s in self.subjects if type(s) is str}

    def classes_and_properties(self) -> set[str]:
        """Every property, and every class (IRI object of rdf:type)."""
        return set(self.property_triples) | set(self.instances)
