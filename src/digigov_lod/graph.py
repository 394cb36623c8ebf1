"""Loading the hand-written sources (data/ and ontology/) into one graph.

A syntax error stops loading with a message that names the file and the line, because the
publisher edits these files by hand and needs to find the mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from .inference import materialise
from .iris import CANONICAL_BASE, rebase
from .namespaces import bind_prefixes
from .one_graph_store import one_graph
from .oxigraph_terms import OxigraphTerms


@dataclass
class SourceError(Exception):
    """A source file that cannot be read as RDF."""

    path: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


def source_files(directory: Path) -> list[Path]:
    """The Turtle files of a source folder, in a stable order."""
    return sorted(directory.glob("*.ttl"))


#: What Oxigraph reads otherwise than rdflib: a language tag with a capital letter (Oxigraph lower-cases it)
#: and an explicit ``xsd:string`` (Oxigraph drops it, rdflib keeps it).
_READ_BY_RDFLIB = re.compile(r"[\"']@[A-Za-z0-9-]*[A-Z]|\^\^\s*[A-Za-z0-9_.-]*:string\b|XMLSchema#string")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _parse_with_rdflib(path: Path, text: str) -> Graph:
    """rdflib's parse of one file; its errors become a :class:`SourceError` naming the file and line."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=CANONICAL_BASE)  # never a path of the build machine
    except BadSyntax as exc:
        line = text.count("\n", 0, exc._i) + 1 if isinstance(exc._i, int) else None
        raise SourceError(path, line, f"Turtle syntax error: {exc._why}") from exc
    except Exception as exc:  # rdflib raises assorted errors for bad literals, IRIs …
        raise SourceError(path, None, f"cannot be read as Turtle: {exc}") from exc
    return graph


def read_turtle(path: Path, terms: OxigraphTerms | None = None) -> list[tuple[Node, Node, Node]]:
    """The triples of one Turtle file, as rdflib terms (``terms``: shared by the files of one graph).

    Oxigraph's parser reads them about twenty times faster than rdflib's; the terms are the ones rdflib's
    parser would make (``tests/test_graph_loading.py`` compares both on every source file). A file Oxigraph
    refuses is read by rdflib, whose error message names the line, and so is one Oxigraph would read
    otherwise (``_READ_BY_RDFLIB``).
    """
    text = _read_text(path)
    if _READ_BY_RDFLIB.search(text):
        return list(_parse_with_rdflib(path, text))
    try:
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=CANONICAL_BASE)
        return list((terms or OxigraphTerms()).triples(quads))
    except (SyntaxError, ValueError):
        return list(_parse_with_rdflib(path, text))


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file, turning parser errors into a :class:`SourceError`."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in read_turtle(path))
    return graph


def rebased(graph: Graph, base: str) -> Graph:
    """A copy of ``graph`` whose IRIs under the canonical base use ``base`` instead."""
    if base == CANONICAL_BASE:
        return graph

    def move(term: Node) -> Node:
        if isinstance(term, URIRef):
            return URIRef(rebase(str(term), base))
        if isinstance(term, Literal) and term.datatype == XSD.anyURI:  # e.g. sh:namespace in shapes
            return Literal(rebase(str(term), base), datatype=XSD.anyURI)
        return term

    moved = one_graph()
    for s, p, o in graph:
        moved.add((move(s), move(p), move(o)))
    return moved


def load_files(
    paths: Iterable[Path],
    base: str = CANONICAL_BASE,
    on_file: Callable[[Path, int], None] | None = None,
    origins: dict[str, list[Path]] | None = None,
) -> Graph:
    """Union of the given Turtle files, rebased onto ``base``.

    ``on_file`` reports progress; ``origins`` (if given) is filled with subject IRI → the files
    that describe it, so that validation messages can name the file to edit.
    """
    union = one_graph()
    terms = OxigraphTerms()
    for path in paths:
        triples = set(read_turtle(path, terms))
        if on_file:
            on_file(path, len(triples))
        if origins is not None:
            for subject in {s for s, _, _ in triples}:
                origins.setdefault(rebase(str(subject), base), []).append(path)
        union.store.addN((s, p, o, union) for s, p, o in triples)  # terms made by a parser: no checks
    return bind_prefixes(rebased(union, base), base)


def load_sources(
    data_dir: Path,
    ontology_dir: Path,
    base: str = CANONICAL_BASE,
    on_file: Callable[[Path, int], None] | None = None,
    origins: dict[str, list[Path]] | None = None,
) -> Graph:
    """The publishable graph: every data file and the own vocabulary, with the build-time triples."""
    files = source_files(data_dir) + source_files(ontology_dir)
    if not files:
        raise SourceError(data_dir, None, "no Turtle (*.ttl) files found")
    graph = load_files(files, base, on_file, origins)
    materialise(graph, base)
    return graph
