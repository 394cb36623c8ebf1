"""SHACL validation with pyshacl, and reports a person can act on.

Each finding says which file describes the node, which node, which rule, and the shape's own
message about what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF

from .shacl_narrowing import narrowed_shapes
from .shacl_queries import QueryGraph

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    constraint: str
    files: tuple[str, ...] = ()  # "data/people.ttl:64" where known, else the file

    def describe(self, graph: Graph | None = None) -> str:
        """One readable paragraph: where, what, which rule, what to fix."""

        def short(term: str) -> str:
            if not term.startswith(("http://", "https://", "urn:")):
                return term
            if graph is None:
                return f"<{term}>"
            try:
                return graph.namespace_manager.normalizeUri(term)
            except Exception:
                return f"<{term}>"

        where = ", ".join(str(f) for f in self.files) or "(generated or unknown file)"
        lines = [f"{self.severity}: {where}", f"  node:  {short(self.focus_node)}"]
        if self.path:
            lines.append("  path:  " + " | ".join(short(part) for part in self.path.split(" | ")))
        if self.value is not None:
            lines.append(f"  value: {self.value}")
        rule = " → ".join(short(part) for part in self.source_shape.split(" → "))
        lines.append(f"  rule:  {rule} ({self.constraint.rsplit('#', 1)[-1]})")
        lines.append(f"  fix:   {self.message}")
        return "\n".join(lines)


@dataclass
class ValidationOutcome:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    report_graph: Graph = field(default_factory=Graph)
    report_text: str = ""

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    def summary(self, graph: Graph | None = None) -> str:
        """The whole report as text, violations first."""
        ordered = self.violations + self.warnings
        head = (
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
            if ordered
            else "conforms: 0 violations, 0 warnings"
        )
        return "\n\n".join([head, *(f.describe(graph) for f in ordered)])


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Literal):
        return repr(str(value)) if value.language is None else f"{str(value)!r}@{value.language}"
    if isinstance(value, BNode):
        return "(blank node)"
    return str(value)


def _path_text(path: object, report: Graph, shapes: Graph | None) -> str | None:
    """A property path as text; an alternative path as ``a | b | c``."""
    if not isinstance(path, BNode):
        return _text(path)
    for graph in (report, shapes):
        if graph is None:
            continue
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(str(item) for item in Collection(graph, alternatives))
    return "(a path expression; see the rule)"


def _shape_name(shape: object, shapes: Graph | None) -> str:
    """A readable name for a shape: a property shape without IRI is named after its node shape and path."""
    if not isinstance(shape, BNode):
        return str(shape or "")
    if shapes is not None:
        parent = next(shapes.subjects(SH.property, shape), None)
        path = shapes.value(shape, SH.path)
        if parent is not None and not isinstance(parent, BNode):
            return f"{parent} → {path}" if path is not None and not isinstance(path, BNode) else str(parent)
    return "(an unnamed shape)"


def _location_key(files: tuple[str, ...]) -> tuple:
    """Sort "data/claims.ttl:38" before "data/claims.ttl:106": by file, then by line number."""
    keys = []
    for place in files:
        name, _, line = place.rpartition(":")
        keys.append((name, int(line)) if line.isdigit() else (place, 0))
    return tuple(keys)


def findings_from_report(
    report: Graph, origins: Mapping[str, list[str]] | None = None, shapes: Graph | None = None
) -> list[Finding]:
    """Turn a SHACL validation report graph into :class:`Finding` objects."""
    findings = []
    # Only the report's own results: pyshacl also nests detail results (sh:detail) under them.
    top_level = [
        r
        for report_node in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(report_node, SH.result)
    ]
    for result in top_level:
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus_node=str(focus),
                path=_path_text(report.value(result, SH.resultPath), report, shapes),
                value=_text(report.value(result, SH.value)),
                message="; ".join(messages) or "(the shape gives no message)",
                source_shape=_shape_name(report.value(result, SH.sourceShape), shapes),
                constraint=str(report.value(result, SH.sourceConstraintComponent) or ""),
                files=tuple((origins or {}).get(str(focus), ())),
            )
        )
    # every field in the key: ties would otherwise keep pyshacl's order, which follows the store's
    findings.sort(
        key=lambda f: (
            f.severity != "Violation",
            _location_key(f.files),
            f.focus_node,
            f.path or "",
            f.source_shape,
            f.value or "",
            f.message,
            f.constraint,
        )
    )
    return findings


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    origins: Mapping[str, list[str]] | None = None,
    narrow: bool = True,
    ntriples: bytes | None = None,
) -> ValidationOutcome:
    """Validate ``data`` against ``shapes``; only violations make it non-conforming.

    pyshacl validates ``data`` in place (no copy: the shapes have no rules, so nothing is added to it) through
    :class:`~digigov_lod.shacl_queries.QueryGraph`, which answers its SPARQL faster with the same answers.
    The ontology is part of the data graph the build validates; an ontology not yet in ``data`` is added to a
    copy, as pyshacl would. With ``narrow`` (the default), each shape is given only the focus nodes that could
    violate it (:mod:`~digigov_lod.shacl_narrowing`); the findings are the same, and ``narrow=False`` keeps the
    unnarrowed path for the equivalence tests. ``ntriples``: ``data`` as N-Triples, if the caller has them.
    """
    if ontology is not None and any(triple not in data for triple in ontology):
        data, ntriples = data + ontology, None
    query_graph = QueryGraph(data, ntriples)
    validated_shapes = narrowed_shapes(query_graph, shapes).shapes if narrow else shapes
    _, report, text = shacl_validate(
        query_graph,
        shacl_graph=validated_shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        meta_shacl=False,
        inplace=True,
    )
    findings = findings_from_report(report, origins, shapes)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationOutcome(conforms, findings, report, text)
