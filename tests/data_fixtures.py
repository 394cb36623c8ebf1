"""Helpers for the data tests: load the Turtle sources and shapes and run pyshacl directly.

These stand in for ``digigov_lod.graph.load_sources`` and ``digigov_lod.validation.validate``
until those exist, so the data tests do not depend on the pipeline code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from digigov_lod.inference import materialise

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
SCHEMAORG_TTL = ROOT / "src/digigov_lod/resources/schemaorg/schemaorg-current-https.ttl"
COMPETENCY_DIR = ROOT / "src/digigov_lod/queries/competency"

BASE = "https://w3id.org/digigov-lod/"
SDO = Namespace("https://schema.org/")
DGV = Namespace(BASE + "def/")
DGVSH = Namespace(BASE + "shapes/")
ID = Namespace(BASE + "id/")


def parse_files(paths) -> Graph:
    graph = Graph()
    for path in sorted(paths):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def _sources() -> Graph:
    """data/*.ttl and ontology/*.ttl plus the build-time triples, parsed once per process."""
    graph = parse_files(list(DATA_DIR.glob("*.ttl")) + list(ONTOLOGY_DIR.glob("*.ttl")))
    materialise(graph)
    return graph


def fresh_data_graph() -> Graph:
    """A new graph with data/*.ttl and ontology/*.ttl plus the build-time triples (what the pipeline validates),
    for the caller to change: a copy of the parsed sources, five times faster than parsing them again."""
    sources = _sources()
    graph = Graph()
    for prefix, namespace in sources.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += sources
    return graph


def data_graph() -> Graph:
    """The union graph, parsed once; do not modify it (use fresh_data_graph)."""
    return _sources()


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return parse_files(ONTOLOGY_DIR.glob("*.ttl"))


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return parse_files(SHAPES_DIR.glob("*.ttl"))


def run_shacl(data: Graph, shapes: Graph | None = None):
    """Validate like the pipeline does; return (conforms_without_violations, results graph)."""
    conforms, results, _text = validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return conforms, results


def violations(results: Graph) -> list[dict]:
    """Each sh:Violation result as a dict of focus node, shape, path, message."""
    out = []
    for res in results.subjects(SH.resultSeverity, SH.Violation):
        out.append(
            {
                "focus": results.value(res, SH.focusNode),
                "shape": results.value(res, SH.sourceShape),
                "path": results.value(res, SH.resultPath),
                "message": str(results.value(res, SH.resultMessage) or ""),
            }
        )
    return out


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}id/{kind}/{slug}")
