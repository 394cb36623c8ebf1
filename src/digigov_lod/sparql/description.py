"""The SPARQL 1.1 Service Description of the endpoint, generated from the release."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, VOID, XSD

from ..namespaces import SD

FORMATS_NS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
RDF_FORMAT_IRIS = ("Turtle", "JSON-LD", "N-Triples", "RDF_XML")


def service_description(
    endpoint: str,
    graph_names: dict[str, int],
    title: str,
    default_triples: int | None = None,
    prefixes: tuple[tuple[str, str], ...] = (),
) -> Graph:
    """Describe the endpoint: language, formats, features, the prefixes every query may use
    without declaring them, and the dataset with its graphs.

    ``graph_names`` maps each named graph to its triple count; ``default_triples`` is the size of
    the default graph, the union of the named graphs, where a triple in several graphs counts once
    (so it is not their sum). Without it the default graph is described without a count.
    """
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, DCTERMS.title, Literal(title, lang="en")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMAT_IRIS + RDF_FORMAT_IRIS:
        g.add((service, SD.resultFormat, URIRef(FORMATS_NS + name)))
    for prefix, namespace in prefixes:  # SHACL's prefix declarations, as SPARQL example collections use them
        declaration = URIRef(f"{endpoint}#prefix-{prefix}")
        g.add((service, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    dataset = URIRef(endpoint + "#dataset")
    default_graph = URIRef(endpoint + "#default-graph")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, DCTERMS.description, Literal("The union of all named graphs.", lang="en")))
    if default_triples is not None:
        g.add((default_graph, VOID.triples, Literal(default_triples, datatype=XSD.integer)))
    for name, triples in graph_names.items():
        named = URIRef(f"{endpoint}#graph-{name.rsplit('/', 1)[-1]}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, URIRef(f"{named}-description")))
        g.add((URIRef(f"{named}-description"), RDF.type, SD.Graph))
        g.add((URIRef(f"{named}-description"), VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g
