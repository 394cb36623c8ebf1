"""Validating the catalog against the portals' SHACL shapes (shipped in ``resources/dcat-ap/``).

Profiles checked, each in its own pyshacl run so a report names the profile that failed:

- ``DCAT-AP 2.1.1`` (what data.europa.eu converts to): shapes, range, recommended, vocabulary
  (mdr) and deprecated-IRI shapes.
- ``DCAT-AP 3.0.1``: the same five files of 3.0.1, plus the individual-constraints files
  (``dcat-ap-SHACL.ttl``, ``ranges.ttl``) with their dangling ``sh:property`` IRIs pruned.
- ``DCAT-AP-SE 3.0.1``: the project's derived shapes for the Swedish profile.
- ``digigov``: the project's own rules (a downloadable distribution has a media type, size and checksum).

The catalog carries the types and labels of the vocabulary terms it uses, so the range shapes are
checked without an ontology graph (which would make pyshacl far slower).

Three findings of the official shapes contradict each other or the SPDX namespace; they are listed
in :data:`KNOWN_DEFECTS` with the reason, matched narrowly, and still printed in the report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef

from ..validation import SH, Finding, ValidationOutcome, findings_from_report

_FILES: dict[str, tuple[str, ...]] = {
    "DCAT-AP 2.1.1": tuple(
        f"2.1.1/dcat-ap_2.1.1_shacl_{name}.ttl"
        for name in ("shapes", "range", "shapes_recommended", "mdr-vocabularies.shape", "deprecateduris")
    ),
    "DCAT-AP 3.0.1": (
        "3.0.1/shapes.ttl",
        "3.0.1/range.ttl",
        "3.0.1/shapes_recommended.ttl",
        "3.0.1/mdr-vocabularies.shape.ttl",
        "3.0.1/deprecateduris.ttl",
    ),
    "DCAT-AP 3.0.1 individual constraints": (
        "3.0.1/individual-constraints/dcat-ap-SHACL.ttl",
        "3.0.1/individual-constraints/ranges.ttl",
    ),
    "DCAT-AP-SE 3.0.1 (derived)": ("dcat-ap-se-3.0.1/dcat-ap-se-3.0.1-derived.shapes.ttl",),
    "digigov": ("digigov-catalog.shapes.ttl",),
}
PROFILES = tuple(_FILES)


def _read(name: str) -> str:
    return (resources.files("digigov_lod") / "resources" / "dcat-ap" / name).read_text(encoding="utf-8")


def prune_dangling_properties(shapes: Graph) -> int:
    """Drop ``sh:property`` links to IRIs that are not described in ``shapes``; return how many.

    The 3.0.1 individual-constraints files refer to property shapes they do not define, which
    pyshacl refuses to load.
    """
    dangling = [
        (s, o)
        for s, o in shapes.subject_objects(SH.property)
        if isinstance(o, URIRef) and (o, None, None) not in shapes
    ]
    for s, o in dangling:
        shapes.remove((s, SH.property, o))
    return len(dangling)


@cache
def shapes_for(profile: str) -> Graph:
    """The shapes graph of one profile, loaded once per process."""
    graph = Graph()
    for name in _FILES[profile]:
        graph.parse(data=_read(name), format="turtle")
    prune_dangling_properties(graph)
    return graph


@dataclass(frozen=True)
class KnownDefect:
    """A finding the official shapes produce for a correct catalog; waived, but still reported."""

    profile: str
    path: str
    constraint: str  # the sh:sourceConstraintComponent's local name
    value: str | None
    reason: str

    def matches(self, profile: str, finding: Finding) -> bool:
        return (
            profile == self.profile
            and finding.path == self.path
            and finding.constraint.endswith("#" + self.constraint)
            and (self.value is None or finding.value == self.value)
        )


_SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
_ALGORITHM = "http://spdx.org/rdf/terms#algorithm"
KNOWN_DEFECTS: tuple[KnownDefect, ...] = (
    KnownDefect(
        "DCAT-AP 2.1.1",
        "http://www.w3.org/ns/dcat#byteSize",
        "DatatypeConstraintComponent",
        None,
        "DCAT-AP 2.1.1 types dcat:byteSize as xsd:decimal, DCAT-AP 3.0.1 (and DCAT 2/3) as "
        "xsd:nonNegativeInteger; one literal cannot satisfy both sh:datatype rules, we publish the current one",
    ),
    KnownDefect(
        "DCAT-AP 2.1.1",
        _ALGORITHM,
        "HasValueConstraintComponent",
        None,
        "DCAT-AP 2.1.1 allows only SHA-1 checksums (SEMICeu/DCAT-AP#158); DCAT-AP 3 allows any "
        "spdx:ChecksumAlgorithm and we publish SHA-256",
    ),
    KnownDefect(
        "DCAT-AP 3.0.1",
        _ALGORITHM,
        "NodeConstraintComponent",
        _SHA256,
        "the 3.0.1 mdr shape ChecksumAlgorithmRestriction requires the pattern '^https://spdx.org/rdf/terms', "
        "but the SPDX namespace (and DCAT-AP 3.0.1's own spdx: prefix) is http://spdx.org/rdf/terms#",
    ),
)


@dataclass
class ProfileResult:
    profile: str
    outcome: ValidationOutcome
    waived: list[tuple[Finding, KnownDefect]]
    seconds: float

    @property
    def conforms(self) -> bool:
        return self.outcome.conforms


def validate_catalog(catalog: Graph, profiles: tuple[str, ...] = PROFILES) -> list[ProfileResult]:
    """Validate the catalog against every profile; one result per profile, known defects waived."""
    results = []
    for profile in profiles:
        started = time.perf_counter()
        shapes = shapes_for(profile)
        _, report, text = shacl_validate(
            catalog, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, meta_shacl=False
        )
        findings, waived = [], []
        for finding in findings_from_report(report, shapes=shapes):
            defect = next((d for d in KNOWN_DEFECTS if d.matches(profile, finding)), None)
            if defect is None:
                findings.append(finding)
            else:
                waived.append((finding, defect))
        conforms = not any(f.severity == "Violation" for f in findings)
        outcome = ValidationOutcome(conforms, findings, report, text)
        results.append(ProfileResult(profile, outcome, waived, time.perf_counter() - started))
    return results


def report(results: list[ProfileResult], catalog: Graph) -> str:
    """A readable text: per profile the verdict, its findings, then the waived known defects."""
    parts = []
    for r in results:
        verdict = "conforms" if r.conforms else "DOES NOT CONFORM"
        text = f"== {r.profile}: {verdict}\n{r.outcome.summary(catalog)}"  # no timings: a release is reproducible
        reasons = sorted({d.reason for _, d in r.waived})
        if reasons:
            text += f"\n\n{len(r.waived)} finding(s) waived as known defects of the official shapes:\n"
            text += "\n".join(f"  - {reason}" for reason in reasons)
        parts.append(text)
    return "\n\n".join(parts)
