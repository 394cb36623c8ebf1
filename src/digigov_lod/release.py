"""Writing and reading a release folder.

A release is immutable: the dumps in every RDF format (plain and gzipped), extra files derived
by the build (catalog, VoID …), the validation report and ``manifest.json`` with the version (a
hash of the graph's content), counts and checksums. It is written to a temporary sibling folder
and renamed into place, so a failed build never touches the last good release.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .formats import NTRIPLES as NTRIPLES_FORMAT
from .formats import RDF_FORMATS, Format, rdf_by_extension

DUMP_STEM = "digigov-2017"
MANIFEST = "manifest.json"


def content_version(graph: Graph) -> str:
    """A short hash of the graph's canonical N-Triples: equal graphs get equal versions."""
    canonical = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8")
    lines = sorted(line for line in canonical.splitlines() if line.strip())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()[:16]


def with_stable_blank_nodes(graph: Graph) -> Graph:
    """The same graph with canonical blank-node labels, so it serialises to the same bytes every time."""
    stable = Graph()
    for prefix, namespace in graph.namespaces():
        stable.bind(prefix, namespace)
    stable += to_canonical_graph(graph)
    return stable


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stable_json(value: Any, in_list: bool = False) -> Any:
    """JSON-LD with keys and (unordered) arrays sorted; @list arrays keep their order."""
    if isinstance(value, dict):
        return {key: _stable_json(item, key == "@list") for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = [_stable_json(item) for item in value]
        return items if in_list else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def serialize(graph: Graph, fmt: Format) -> bytes:
    """The graph in one RDF format, as UTF-8 bytes: the same bytes for the same graph, whatever the process.

    rdflib's serialisers follow hash-based orders that change with every Python process, so the
    N-Triples lines are sorted, JSON-LD is put in a canonical order, and RDF/XML is written by
    pyoxigraph from the sorted triples.
    """
    if fmt.rdflib_name == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    prefixes = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}
    if fmt.rdflib_name == "json-ld":
        document = json.loads(graph.serialize(format="json-ld", context=prefixes, encoding="utf-8"))
        return json.dumps(_stable_json(document), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt.rdflib_name == "xml":
        triples = ox.parse(serialize(graph, NTRIPLES_FORMAT), format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")  # Turtle: rdflib sorts subjects itself


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (no timestamp), so equal content gives equal checksums."""
    return gzip.compress(data, compresslevel=9, mtime=0)


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    media_type: str
    bytes: int
    sha256: str
    role: str  # "dump", "dump-gzip", "catalog", "void", "report" …
    encoding: str | None = None  # "gzip" for compressed dumps


#: How many release folders stay on disk (the current one and the ones before it), so that a
#: server started on an earlier release keeps working after a few rebuilds.
KEEP_RELEASES = 4


def _prune(folder: Path, keep: int, current: Path) -> None:
    """Delete all but the ``keep`` most recently published release folders."""
    releases = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in releases if p != current][keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


class ReleaseWriter:
    """Collects files in a temporary folder and publishes them atomically."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
        self.files: list[ReleaseFile] = []

    def add_bytes(self, name: str, data: bytes, media_type: str, role: str, encoding: str | None = None) -> Path:
        path = self.workdir / name
        path.write_bytes(data)
        self.files.append(ReleaseFile(name, media_type, len(data), hashlib.sha256(data).hexdigest(), role, encoding))
        return path

    def add_dumps(self, graph: Graph, stem: str = DUMP_STEM) -> None:
        """The graph in every RDF format, each also gzipped."""
        for fmt in RDF_FORMATS:
            data = serialize(graph, fmt)
            name = f"{stem}.{fmt.extension}"
            self.add_bytes(name, data, fmt.media_type, "dump")
            self.add_bytes(name + ".gz", gzip_bytes(data), fmt.media_type, "dump-gzip", "gzip")

    def publish(self, manifest: dict) -> Path:
        """Write the manifest, move the folder among the kept releases, and point the target at it.

        The target (``dist``) is a symbolic link that is replaced in one atomic step, so a reader
        never sees a half-written or missing release, and a server that opened the previous
        release keeps reading its own, unchanged folder.
        """
        manifest = {**manifest, "files": [f.__dict__ for f in self.files]}
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (self.workdir / MANIFEST).write_text(text)
        os.chmod(self.workdir, 0o755)
        kept = self.target.with_name(f".{self.target.name}-releases")
        kept.mkdir(exist_ok=True)
        folder = kept / f"{manifest['version']}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
        if folder.exists():  # the very same release again: keep the folder that is already there
            shutil.rmtree(self.workdir)
        else:
            os.replace(self.workdir, folder)
        os.utime(folder)
        link = self.target.with_name(f".{self.target.name}-link-{os.getpid()}")
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(folder, self.target.parent), link)
        if self.target.is_dir() and not self.target.is_symlink():  # a folder from an older layout
            shutil.rmtree(self.target)
        os.replace(link, self.target)
        _prune(kept, keep=KEEP_RELEASES, current=folder)
        return self.target

    def discard(self) -> None:
        """Forget everything written: the published release stays as it was."""
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ReleaseWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self.workdir.exists():
            self.discard()


def now_utc() -> str:
    """The build time; ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) pins it."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(pinned), UTC) if pinned.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ReleaseNotFound(Exception):
    """The release folder is missing or incomplete."""


@dataclass
class Release:
    """A published release folder, read-only."""

    path: Path
    manifest: dict

    @classmethod
    def open(cls, path: Path) -> Release:
        path = Path(path).resolve()  # a relative path would later be read relative to another folder
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise ReleaseNotFound(f"{path} holds no release ({MANIFEST} missing): run `digigov-lod build`")
        return cls(path, json.loads(manifest_path.read_text(encoding="utf-8")))

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def fingerprint(self) -> str:
        """A short hash of the manifest, which lists every file's SHA-256: it changes whenever any
        byte of the release does, also where the graph (and so the version) stays the same."""
        canonical = json.dumps(self.manifest, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(canonical).hexdigest()[:8]

    @property
    def base_iri(self) -> str:
        return self.manifest["base_iri"]

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created"].replace("Z", "+00:00"))

    def files(self, role: str | None = None) -> list[ReleaseFile]:
        return [ReleaseFile(**f) for f in self.manifest["files"] if role is None or f["role"] == role]

    def file(self, name: str) -> ReleaseFile | None:
        return next((f for f in self.files() if f.name == name), None)

    def dump_path(self, fmt: Format, stem: str = DUMP_STEM) -> Path:
        return self.path / f"{stem}.{fmt.extension}"

    def load_graph(self, stem: str = DUMP_STEM) -> Graph:
        """The released graph, parsed from its N-Triples dump (the fastest to read)."""
        nt = rdf_by_extension("nt")
        assert nt is not None
        graph = Graph()
        with contextlib.suppress(FileNotFoundError):
            graph.parse(self.dump_path(nt, stem), format="nt")
            return graph
        raise ReleaseNotFound(f"{self.path} has no N-Triples dump")
