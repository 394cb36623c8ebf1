"""Loading the hand-written sources (data/ and ontology/) into one graph.

A syntax error stops loading with a message that names the file and the line, because the
publisher edits these files by hand and needs to find the mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from .inference import materialise
from .iris import CANONICAL_BASE, rebase
from .namespaces import bind_prefixes


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


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file, turning parser errors into a :class:`SourceError`."""
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        graph.parse(data=text, format="turtle", publicID=CANONICAL_BASE)  # never a path of the build machine
    except BadSyntax as exc:
        line = text.count("\n", 0, exc._i) + 1 if isinstance(exc._i, int) else None
        raise SourceError(path, line, f"Turtle syntax error: {exc._why}") from exc
    except Exception as exc:  # rdflib raises assorted errors for bad literals, IRIs …
        raise SourceError(path, None, f"cannot be read as Turtle: {exc}") from exc
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

    moved = Graph()
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
    union = Graph()
    for path in paths:
        part = parse_turtle(path)
        if on_file:
            on_file(path, len(part))
        if origins is not None:
            for subject in set(part.subjects()):
                origins.setdefault(rebase(str(subject), base), []).append(path)
        union += part
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
