"""Catch misspelt vocabulary terms, which SHACL alone reports only indirectly.

A typo such as ``schema:Persn`` makes the shapes complain about missing labels somewhere else;
this check names the unknown term itself and the lines where it is written. schema.org terms
are checked against the shipped vocabulary (release 30.0), own terms against ``ontology/``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, URIRef

from .iris import unrebase
from .locations import term_lines
from .namespaces import SCHEMA, vocab_namespace
from .one_graph_store import graph_nodes
from .validation import Finding

_DEFINED = re.compile(r"^schema:([A-Za-z0-9_]+) a ", re.MULTILINE)


@cache
def schema_org_terms() -> frozenset[str]:
    """Every term the shipped schema.org vocabulary defines (its file states one per line start)."""
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / "schemaorg-current-https.ttl"
    return frozenset(str(SCHEMA) + name for name in _DEFINED.findall(path.read_text(encoding="utf-8")))


def unknown_terms(graph: Graph, ontology: Graph, base: str) -> list[str]:
    """schema.org and own-vocabulary IRIs used in ``graph`` that the vocabularies do not define."""
    own = str(vocab_namespace(base))
    own_terms = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
    known = schema_org_terms()
    terms = graph_nodes(graph)  # each term once before the str() calls
    used = {str(t) for t in terms if isinstance(t, URIRef)}
    schema_ns = str(SCHEMA)
    unknown = [iri for iri in used if iri.startswith(schema_ns) and iri not in known]
    unknown += [iri for iri in used if iri.startswith(own) and iri != own and iri not in own_terms]
    return sorted(unknown)


def vocabulary_findings(graph: Graph, ontology: Graph, base: str, files: list[Path], root: Path) -> list[Finding]:
    """One violation per unknown term, naming every ``file:line`` that writes it."""
    findings = []
    for iri in unknown_terms(graph, ontology, base):
        where = tuple(
            f"{path.relative_to(root) if path.is_relative_to(root) else path}:{line}"
            for path in files
            for line in term_lines(path, unrebase(iri, base))
        )
        in_schema = iri.startswith(str(SCHEMA))
        vocabulary = "schema.org (release 30.0)" if in_schema else "ontology/"
        known = schema_org_terms() if in_schema else {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
        close = difflib.get_close_matches(iri, sorted(known), n=1, cutoff=0.85)
        hint = f" Did you mean <{close[0]}>?" if close else ""
        findings.append(
            Finding(
                severity="Violation",
                focus_node=iri,
                path=None,
                value=None,
                message=f"<{iri}> is not defined in {vocabulary}: check the spelling, or define the term.{hint}",
                source_shape="vocabulary check",
                constraint="UnknownTerm",
                files=where,
            )
        )
    return findings
