"""The build: load the sources, validate them, derive metadata, write a release.

Each step reports progress through a callback. Any failure raises :class:`BuildFailed` before
anything is published, so the last good release stays in place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import __version__
from .blank_nodes import with_stable_blank_nodes
from .config import Settings
from .formats import NQUADS, NTRIPLES, TURTLE
from .graph import SourceError, load_files, source_files
from .inference import materialise
from .locations import SubjectLocations
from .metadata import MetadataInvalid, ReleaseContext, derive
from .release import (
    DATASET_DUMP,
    Release,
    ReleaseNotFound,
    ReleaseWriter,
    content_version,
    now_utc,
    serialize,
)
from .sparql.dataset import dataset_nquads
from .validation import ValidationOutcome, validate
from .vocabulary_check import vocabulary_findings

Progress = Callable[[str], None]


class BuildFailed(Exception):
    """The sources are unreadable or invalid; nothing was published."""


@dataclass
class CheckedSources:
    graph: Graph
    outcome: ValidationOutcome
    ntriples: bytes  # the graph's sorted N-Triples: validation loads them, the build hashes and publishes them


def _quiet(_: str) -> None:
    pass


def load_shapes(settings: Settings) -> Graph:
    """All SHACL shapes of the project (shapes/*.ttl)."""
    files = source_files(settings.shapes_dir)
    if not files:
        raise SourceError(settings.shapes_dir, None, "no SHACL shapes (*.ttl) found")
    return load_files(files, settings.base_iri)


def check_sources(settings: Settings, progress: Progress = _quiet) -> CheckedSources:
    """Load and validate the sources; raise :class:`BuildFailed` if they cannot be published."""
    origins: dict[str, list[Path]] = {}

    def report_file(path: Path, triples: int) -> None:
        progress(f"  read {path.relative_to(settings.project_root)} ({triples} triples)")

    progress("Loading sources …")
    try:
        data_files, ontology_files = source_files(settings.data_dir), source_files(settings.ontology_dir)
        if not data_files:
            raise SourceError(settings.data_dir, None, "no Turtle (*.ttl) files found")
        graph = load_files(data_files, settings.base_iri, report_file, origins)
        ontology = load_files(ontology_files, settings.base_iri, report_file, origins)  # read once, used twice
        graph += ontology  # the vocabulary is published with the data
        shapes = load_shapes(settings)
    except SourceError as exc:
        raise BuildFailed(str(exc)) from exc
    derived = materialise(graph, settings.base_iri)  # supertypes, labels, performers upwards
    progress(f"  {len(graph)} triples in all ({derived} materialised); {len(shapes)} shape triples")
    locations = SubjectLocations(origins, settings.project_root, settings.base_iri)

    progress("Validating against shapes/ …")
    started = time.perf_counter()
    ntriples = serialize(graph, NTRIPLES)
    outcome = validate(graph, shapes, ontology, locations, ntriples=ntriples)
    files = data_files + ontology_files
    unknown = vocabulary_findings(graph, ontology, settings.base_iri, files, settings.project_root)
    if unknown:
        outcome = ValidationOutcome(False, unknown + outcome.findings, outcome.report_graph, outcome.report_text)
    progress(
        f"  {len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s) "
        f"in {time.perf_counter() - started:.1f} s"
        + (WHERE_FINDINGS_ARE.format(release=settings.release_dir) if outcome.findings else "")
    )
    return CheckedSources(graph, outcome, ntriples)


#: Said after the counts, so that nobody has to guess where the warnings are.
WHERE_FINDINGS_ARE = (
    " — `digigov-lod validate` lists each one with its file, line and how to fix it"
    " (a published release keeps them in {release}/validation-report.txt)"
)


def _previous_timestamp(settings: Settings, version: str) -> str | None:
    """The build time of the published release if its content is the same as this one's.

    An unchanged graph then keeps its modification dates, ETags and Last-Modified, so portals
    and caches do not see a new dataset after every rebuild.
    """
    try:
        previous = Release.open(settings.release_dir)
    except (ReleaseNotFound, ValueError, KeyError):
        return None
    same = previous.version == version and previous.base_iri == settings.base_iri
    return previous.manifest.get("created") if same else None


def build(settings: Settings, progress: Progress = _quiet) -> Path:
    """Build a release into ``settings.release_dir``; return its path."""
    checked = check_sources(settings, progress)
    if not checked.outcome.conforms:
        raise BuildFailed(
            "The data does not conform to the shapes; nothing was published.\n\n"
            + checked.outcome.summary(checked.graph)
        )
    graph, ntriples = checked.graph, checked.ntriples  # serialised once: validation, the version and the dumps
    version = content_version(graph, ntriples)
    progress(f"Writing release {version} to {settings.release_dir} …")
    created = _previous_timestamp(settings, version) or now_utc(settings.source_date_epoch)
    with ReleaseWriter(settings.release_dir) as writer:
        writer.add_dumps(graph, ntriples=ntriples)
        progress("Deriving metadata (catalog, VoID …) …")
        try:
            derived = derive(graph, lambda: writer.files, ReleaseContext(version, created, settings))
        except MetadataInvalid as exc:
            raise BuildFailed(f"The derived metadata is invalid; nothing was published.\n\n{exc}") from exc
        except SourceError as exc:  # the catalog's facts (data/catalog.toml)
            raise BuildFailed(str(exc)) from exc
        for item in derived:
            writer.add_bytes(item.name, item.data, item.media_type, item.role)
        # made of the files just written (the catalog included), so the catalog cannot state its size or checksum
        nquads = dataset_nquads(writer.workdir, settings.base_iri)
        writer.add_bytes(DATASET_DUMP, nquads, NQUADS.media_type, "dataset-dump")
        writer.add_gzipped(DATASET_DUMP + ".gz", nquads, NQUADS.media_type, "dataset-dump-gzip")
        writer.add_bytes(
            "validation-report.ttl",
            serialize(with_stable_blank_nodes(checked.outcome.report_graph), TURTLE),
            TURTLE.media_type,
            "report",
        )
        writer.add_bytes(
            "validation-report.txt",
            checked.outcome.summary(graph).encode("utf-8"),
            "text/plain",
            "report",
        )
        for f in writer.files:
            progress(f"  {f.name} ({f.bytes} bytes)")
        path = writer.publish(
            {
                "version": version,
                "created": created,
                "base_iri": settings.base_iri,
                "triples": len(graph),
                "generator": f"digigov-lod {__version__}",
            }
        )
    progress(f"Release {version} published at {path} ({len(graph)} triples).")
    return path
