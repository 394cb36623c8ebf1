"""The build: dumps that agree with each other, and bad input that never reaches dist/."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from release_cache import copy_release
from support import PROJECT_ROOT

from digigov_lod.build import BuildFailed, build
from digigov_lod.cli import main
from digigov_lod.config import Settings
from digigov_lod.formats import RDF_FORMATS, TURTLE
from digigov_lod.release import Release


def _from_oxigraph(path: Path, media_type: str) -> Graph:
    """Parse with pyoxigraph (an independent parser) and convert to rdflib terms."""

    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        plain = t.datatype.value == "http://www.w3.org/2001/XMLSchema#string"
        return Literal(t.value, datatype=None if plain else URIRef(t.datatype.value))

    graph = Graph()
    fmt = ox.RdfFormat.from_media_type(media_type)
    for quad in ox.parse(path=str(path), format=fmt):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def test_every_dump_parses_to_the_same_graph_with_two_parsers(release: Release) -> None:
    reference = Graph().parse(release.dump_path(RDF_FORMATS[0]), format="turtle")
    assert len(reference) == release.manifest["triples"]
    for fmt in RDF_FORMATS:
        path = release.dump_path(fmt)
        assert isomorphic(Graph().parse(path, format=fmt.rdflib_name), reference), f"rdflib: {path.name}"
        assert isomorphic(_from_oxigraph(path, fmt.media_type), reference), f"oxigraph: {path.name}"
        unzipped = gzip.decompress((path.parent / (path.name + ".gz")).read_bytes())
        assert unzipped == path.read_bytes()


def test_the_turtle_dump_declares_the_prefixes_it_uses_and_no_others(release: Release) -> None:
    text = release.dump_path(TURTLE).read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix (\w*): <([^>]*)> \.$", text, re.MULTILINE))
    body = text[text.rindex("@prefix") :].split("\n", 1)[1]
    assert {"person", "event", "schema", "dgv"} <= declared.keys()
    assert all(f"{prefix}:" in body for prefix in declared), "a prefix no statement uses"
    assert "<https://schema.org/" not in body and "<https://w3id.org/digigov-lod/id/person/" not in body


def test_manifest_checksums_match_files(release: Release) -> None:
    for item in release.files():
        data = (release.path / item.name).read_bytes()
        assert len(data) == item.bytes, item.name
        assert hashlib.sha256(data).hexdigest() == item.sha256, item.name


def test_version_is_a_content_hash(tmp_path: Path, project_settings: Settings, release: Release) -> None:
    again = build(project_settings.with_overrides(release_dir=tmp_path / "again"))
    assert Release.open(again).version == release.version


def test_the_fingerprint_follows_every_file_where_the_version_follows_the_graph(release: Release) -> None:
    """The same graph built at another time has the same version, but its catalog (with the build
    time) differs: validators built from the fingerprint tell the two apart."""
    assert Release(release.path, json.loads(json.dumps(release.manifest))).fingerprint == release.fingerprint
    files = [dict(f) for f in release.manifest["files"]]
    files[0]["sha256"] = "0" * 64
    later = Release(release.path, {**release.manifest, "files": files})
    assert later.version == release.version and later.fingerprint != release.fingerprint


def test_rebuilding_unchanged_sources_changes_nothing(project_copy: Settings) -> None:
    """Same content, same release: dates, checksums and catalog stay as they were."""
    before = _snapshot(project_copy.release_dir)
    build(project_copy)
    assert _snapshot(project_copy.release_dir) == before
    _break(project_copy, "people.ttl", "\n# a comment changes no triple\n")
    build(project_copy)
    assert _snapshot(project_copy.release_dir) == before


def test_validation_report_is_part_of_the_release(release: Release) -> None:
    text = (release.path / "validation-report.txt").read_text()
    assert text.startswith(("0 violation", "conforms"))


@pytest.fixture
def project_copy(tmp_path: Path, release: Release) -> Settings:
    """A copy of the sources, with a good release already published in it (a copy of the session's: the same
    sources give the same release, and copying it is cheaper than building it)."""
    for folder in ("data", "ontology", "shapes"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    return Settings(project_root=tmp_path, release_dir=copy_release(release, tmp_path))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _break(settings: Settings, file_name: str, text: str) -> None:
    path = settings.data_dir / file_name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lines(settings: Settings, file_name: str) -> int:
    return (settings.data_dir / file_name).read_text(encoding="utf-8").count("\n")


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        ('\nperson:x schema:name "unterminated .\n', "Turtle syntax error"),
        ("\nperson:x unknownprefix:name person:y .\n", 'Prefix "unknownprefix:" not bound'),
    ],
    ids=["syntax-error", "unknown-prefix"],
)
def test_bad_turtle_names_file_and_line_and_keeps_release(project_copy: Settings, addition: str, expected: str) -> None:
    before = _snapshot(project_copy.release_dir)
    target = sorted(p.name for p in project_copy.data_dir.glob("*.ttl"))[0]
    line = _lines(project_copy, target) + 2
    _break(project_copy, target, addition)
    result = CliRunner().invoke(main, ["build", "--release", str(project_copy.release_dir)], env=_env(project_copy))
    assert result.exit_code == 1
    assert f"{target}:{line}" in result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert _snapshot(project_copy.release_dir) == before
    assert not list(project_copy.project_root.glob(".dist-build-*")), "temporary folder left behind"


def test_shape_violation_stops_build_and_keeps_release(project_copy: Settings) -> None:
    before = _snapshot(project_copy.release_dir)
    target = sorted(p.name for p in project_copy.data_dir.glob("*.ttl"))[0]
    _break(
        project_copy,
        target,
        "\n<https://w3id.org/digigov-lod/id/person/nameless> a <https://schema.org/Person> .\n",
    )
    with pytest.raises(BuildFailed) as failure:
        build(project_copy)
    message = str(failure.value)
    assert "does not conform" in message
    assert "person:nameless" in message or "id/person/nameless" in message
    assert target in message, "the report names the file that describes the node"
    assert _snapshot(project_copy.release_dir) == before

    result = CliRunner().invoke(main, ["validate"], env=_env(project_copy))
    assert result.exit_code == 1
    assert "Violation" in result.output and "nameless" in result.output


def test_validate_passes_on_the_real_sources() -> None:
    result = CliRunner().invoke(main, ["validate"], env={"DIGIGOV_PROJECT_ROOT": str(PROJECT_ROOT)})
    assert result.exit_code == 0, result.output
    assert "0 violation" in result.output or "conforms" in result.output


def test_rebased_build_moves_every_iri(tmp_path: Path, project_settings: Settings) -> None:
    base = "http://localhost:8000/"
    out = build(project_settings.with_overrides(release_dir=tmp_path / "rebased", base_iri=base))
    graph = Release.open(out).load_graph()
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not any(i.startswith("https://w3id.org/digigov-lod/") for i in iris)
    assert f"{base}id/event/digigov-2017" in iris


def _env(settings: Settings) -> dict[str, str]:
    return {"DIGIGOV_PROJECT_ROOT": str(settings.project_root)}


def test_misspelt_terms_are_named_with_file_and_line(project_copy: Settings) -> None:
    people = project_copy.data_dir / "people.ttl"
    text = people.read_text(encoding="utf-8")
    assert "a schema:Person" in text
    line = text[: text.index("a schema:Person")].count("\n") + 1
    people.write_text(text.replace("a schema:Person", "a schema:Persn", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"], env=_env(project_copy))
    assert result.exit_code == 1
    assert f"Violation: data/people.ttl:{line}" in result.output
    assert "<https://schema.org/Persn> is not defined in schema.org" in result.output
    assert "Did you mean <https://schema.org/Person>?" in result.output


def test_findings_point_at_the_line_of_the_subject(project_copy: Settings) -> None:
    _break(project_copy, "people.ttl", "\nperson:nameless a schema:Person .\n")
    line = _lines(project_copy, "people.ttl")
    result = CliRunner().invoke(main, ["validate"], env=_env(project_copy))
    assert f"data/people.ttl:{line}" in result.output


def test_a_running_server_keeps_its_release_through_a_rebuild(project_copy: Settings) -> None:
    """dist is swapped atomically; a release opened before the rebuild keeps its own files."""
    before = Release.open(project_copy.release_dir)
    old_files = _snapshot(before.path)
    assert project_copy.release_dir.is_symlink()
    people = project_copy.data_dir / "people.ttl"
    people.write_text(people.read_text(encoding="utf-8").replace("Lena Micko", "Lena  Micko", 1), encoding="utf-8")
    build(project_copy)
    after = Release.open(project_copy.release_dir)
    assert after.version != before.version and after.path != before.path
    assert _snapshot(before.path) == old_files


def test_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    """rdflib's serialisers follow hash orders that change per process: the release must not."""
    snapshots = []
    for seed in ("1", "2"):
        target = tmp_path / f"dist-{seed}"
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "SOURCE_DATE_EPOCH": "1512428400",  # pins the build time, as reproducible builds do
            "DIGIGOV_PROJECT_ROOT": str(PROJECT_ROOT),
        }
        subprocess.run(
            [str(Path(sys.executable).parent / "digigov-lod"), "build", "--release", str(target)],
            env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        snapshots.append(_snapshot(target))
    assert snapshots[0] == snapshots[1]
    assert json.loads(snapshots[0]["manifest.json"])["created"] == "2017-12-04T23:00:00Z"


def _build_process(target: Path) -> subprocess.Popen:
    env = {**os.environ, "DIGIGOV_PROJECT_ROOT": str(PROJECT_ROOT)}
    command = [str(Path(sys.executable).parent / "digigov-lod"), "build", "--release", str(target)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _its_build_folder(process: subprocess.Popen, target: Path, known: set[Path]) -> Path:
    """The temporary folder a running build has just made (waits for it)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        new = set(target.parent.glob(f".{target.name}-build-*")) - known
        if new:
            return new.pop()
        assert process.poll() is None, "the build ended before it wrote anything"
        time.sleep(0.01)
    raise AssertionError("the build made no temporary folder within 120 s")


@pytest.mark.slow  # kills a build half-way and starts another: ten seconds for a rare case
def test_the_next_build_removes_what_killed_builds_left_and_spares_running_ones(
    tmp_path: Path, project_settings: Settings
) -> None:
    """A build killed with SIGKILL leaves `.dist-build-*`; the next build deletes it, but not the folder
    of a build that is still running (here: stopped with SIGSTOP, so it is certainly mid-way)."""
    target = tmp_path / "dist"
    running = _build_process(target)
    try:
        in_progress = _its_build_folder(running, target, set())
        while not any(in_progress.iterdir()):  # writing its files: past its few milliseconds holding the builds' lock
            time.sleep(0.01)
        running.send_signal(signal.SIGSTOP)
        killed = _build_process(target)
        leftover = _its_build_folder(killed, target, {in_progress})
        killed.kill()
        killed.wait()
        stale_link = target.with_name(f".{target.name}-link-999999")
        stale_link.symlink_to("nowhere")  # what a build killed between making its link and renaming it leaves
        assert leftover.is_dir() and in_progress.is_dir()
        build(project_settings.with_overrides(release_dir=target))
        assert not leftover.exists() and not stale_link.is_symlink()
        assert in_progress.is_dir(), "a running build's folder was removed"
    finally:
        running.send_signal(signal.SIGCONT)
    assert running.wait(timeout=300) == 0  # it finishes and publishes undisturbed
    assert not list(tmp_path.glob(".dist-build-*")) and not list(tmp_path.glob(".dist-link-*"))
    assert Release.open(target).verify() == {}
