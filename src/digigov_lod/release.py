"""Writing and reading a release folder.

A release is immutable: the dumps in every RDF format (plain and gzipped), extra files derived
by the build (catalog, VoID …), the validation report and ``manifest.json`` with the version (a
hash of the graph's content), counts and checksums. It is written to a temporary sibling folder
and renamed into place, so a failed build never touches the last good release.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from .blank_nodes import with_stable_blank_nodes
from .errors import Unavailable
from .flat_jsonld import flat_document
from .formats import NTRIPLES as NTRIPLES_FORMAT
from .formats import RDF_FORMATS, Format, rdf_by_extension
from .messages import Message
from .parallel_gzip import SpareCores, gzip_pieces
from .pretty_json import indented_json
from .sorted_ntriples import sorted_ntriples

DUMP_STEM = "digigov-2017"
#: The whole SPARQL dataset (knowledge graph, catalog, VoID) in its named graphs, for loading into other engines.
DATASET_DUMP = f"{DUMP_STEM}.nq"
MANIFEST = "manifest.json"

log = logging.getLogger(__name__)


def content_version(graph: Graph, ntriples: bytes | None = None) -> str:
    """A short hash of the graph's sorted N-Triples with content-derived blank-node labels: equal graphs get
    equal versions (``ntriples``: the graph's sorted N-Triples, when the caller has them for the dumps; a
    graph without blank nodes then needs no second serialisation)."""
    if ntriples is None or b"_:" in ntriples:  # every blank node is written "_:…": without one, nothing to relabel
        stable = with_stable_blank_nodes(graph)
        if ntriples is None or stable is not graph:
            ntriples = serialize(stable, NTRIPLES_FORMAT)
    return hashlib.sha256(ntriples.removesuffix(b"\n")).hexdigest()[:16]


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


def serialize(graph: Graph, fmt: Format, ntriples: bytes | None = None) -> bytes:
    """The graph in one RDF format, as UTF-8 bytes: the same bytes for the same graph, whatever the process.

    rdflib's serialisers follow hash-based orders that change with every Python process, so the
    N-Triples lines are sorted, JSON-LD is put in a canonical order, and RDF/XML is written by
    pyoxigraph from the sorted triples (``ntriples``, when the caller has them already: serialising
    them again is a tenth of a large build).
    """
    if fmt.rdflib_name == "nt":
        return sorted_ntriples(graph)
    prefixes = _prefixes(graph)
    if fmt.rdflib_name == "json-ld":
        document = flat_document(graph, prefixes) or _stable_json(
            json.loads(graph.serialize(format="json-ld", context=prefixes, encoding="utf-8"))
        )
        return indented_json(document).encode("utf-8") + b"\n"
    if fmt.rdflib_name == "xml":
        return _by_oxigraph(ntriples if ntriples is not None else serialize(graph, NTRIPLES_FORMAT), fmt, prefixes)
    assert fmt.rdflib_name is not None, f"{fmt.key} is not an RDF format"
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")  # Turtle: rdflib sorts subjects itself


def _prefixes(graph: Graph) -> dict[str, str]:
    """The graph's bound prefixes (not the empty one), sorted: the context and the declarations it is written with."""
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _by_oxigraph(sorted_ntriples: bytes, fmt: Format, prefixes: dict[str, str]) -> bytes:
    """Sorted N-Triples written in ``fmt`` by Oxigraph: in their order, so the same bytes for the same graph."""
    triples = ox.parse(sorted_ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.from_extension(fmt.extension), prefixes=prefixes) or b""


def dump_bytes(graph: Graph, fmt: Format, ntriples: bytes) -> bytes:
    """One of the release's dumps of ``graph`` (``ntriples``: its sorted N-Triples).

    Turtle is written by Oxigraph, one subject after another with its prefixes, where rdflib's pretty
    writer took 71 of the 500-copy build's 450 seconds; small documents (catalog, VoID, resources)
    keep rdflib's Turtle from :func:`serialize`.
    """
    if fmt.rdflib_name == "nt":
        return ntriples
    if fmt.rdflib_name == "turtle":
        used = {prefix: ns for prefix, ns in _prefixes(graph).items() if b"<" + ns.encode() in ntriples}
        return _by_oxigraph(ntriples, fmt, used)
    return serialize(graph, fmt, ntriples)


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


def _kept_releases(target: Path) -> Path:
    """The folder that holds the published releases ``target`` may point to."""
    return target.with_name(f".{target.name}-releases")


@contextlib.contextmanager
def _folder_lock(target: Path) -> Iterator[None]:
    """Held while a build creates its temporary folder, clears leftovers or swaps the link: a few
    milliseconds, so concurrent builds still run side by side."""
    kept = _kept_releases(target)
    kept.mkdir(exist_ok=True)
    with (kept / ".lock").open("a") as handle:  # beside the kept releases (pruning skips files)
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _hold(folder: Path) -> int:
    """Lock ``folder`` for as long as this process runs (or until :func:`os.close`): the kernel lets go
    of a killed build's lock, which is how the next build knows that its folder is a leftover."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def remove_leftovers(target: Path) -> list[Path]:
    """Delete what killed builds left beside ``target``: temporary folders no running build holds, and
    half-made links. Call with :func:`_folder_lock` held, so no build is between its steps."""
    removed: list[Path] = []
    for folder in target.parent.glob(f".{target.name}-build-*"):
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a build is writing it
            continue
        finally:
            os.close(descriptor)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    for link in target.parent.glob(f".{target.name}-link-*"):
        if link.is_symlink():  # only made and renamed with the lock held: any one seen now is a leftover
            link.unlink(missing_ok=True)
            removed.append(link)
    return removed


class ReleaseWriter:
    """Collects files in a temporary folder and publishes them atomically.

    The temporary folder ``.{target}-build-*`` is locked (``flock``) while its build runs; a build
    that is killed leaves it unlocked, and the next build deletes it (see :func:`remove_leftovers`).
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        with _folder_lock(target):
            for leftover in remove_leftovers(target):
                log.info("removed %s, left by a build that did not finish", leftover)
            self.workdir = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
            self._held: int | None = _hold(self.workdir)
        self._files: list[ReleaseFile | Future[ReleaseFile]] = []
        self._compressor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gzip")  # one file after another
        self._deflaters = SpareCores()

    @property
    def files(self) -> list[ReleaseFile]:
        """The files written so far, in the order they were added (waits for gzipped ones still in the making)."""
        with self._deflaters.waiting():
            return [f if isinstance(f, ReleaseFile) else f.result() for f in self._files]

    def _let_go(self) -> None:
        self._compressor.shutdown(cancel_futures=True)
        self._deflaters.shutdown(cancel_futures=True)
        if self._held is not None:
            os.close(self._held)
            self._held = None

    def add_bytes(self, name: str, data: bytes, media_type: str, role: str, encoding: str | None = None) -> Path:
        self._files.append(self._write(name, data, media_type, role, encoding))
        return self.workdir / name

    def add_gzipped(self, name: str, data: bytes, media_type: str, role: str) -> None:
        """``data`` gzipped as ``name`` while the build goes on, in pieces on every core (zlib lets go of the
        GIL): the build waits for the compression only where it needs a file's size and checksum."""
        self._files.append(
            self._compressor.submit(
                lambda: self._write(name, gzip_pieces(data, self._deflaters), media_type, role, "gzip")
            )
        )

    def _write(self, name: str, data: bytes, media_type: str, role: str, encoding: str | None) -> ReleaseFile:
        (self.workdir / name).write_bytes(data)
        return ReleaseFile(name, media_type, len(data), hashlib.sha256(data).hexdigest(), role, encoding)

    def add_dumps(self, graph: Graph, stem: str = DUMP_STEM, ntriples: bytes | None = None) -> None:
        """The graph in every RDF format, each also gzipped (``ntriples``: its sorted N-Triples, if made)."""
        ntriples = serialize(graph, NTRIPLES_FORMAT) if ntriples is None else ntriples
        for fmt in RDF_FORMATS:
            data = dump_bytes(graph, fmt, ntriples)
            name = f"{stem}.{fmt.extension}"
            self.add_bytes(name, data, fmt.media_type, "dump")
            self.add_gzipped(name + ".gz", data, fmt.media_type, "dump-gzip")

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
        kept = _kept_releases(self.target)
        kept.mkdir(exist_ok=True)
        folder = kept / f"{manifest['version']}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
        if folder.exists():  # the very same release again: keep the folder that is already there
            shutil.rmtree(self.workdir)
        else:
            os.replace(self.workdir, folder)
        os.utime(folder)
        self._let_go()
        with _folder_lock(self.target):
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
        self._compressor.shutdown(cancel_futures=True)  # no file written after the folder is gone
        shutil.rmtree(self.workdir, ignore_errors=True)
        self._let_go()

    def __enter__(self) -> ReleaseWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.workdir.exists():
            self.discard()
        self._let_go()


def now_utc(pinned: int | None = None) -> str:
    """The build time; ``pinned`` (``SOURCE_DATE_EPOCH``, the reproducible-builds convention) fixes it."""
    moment = datetime.fromtimestamp(pinned, UTC) if pinned is not None else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ReleaseNotFound(Exception):
    """The release folder is missing or incomplete."""


class DamagedFile(ReleaseNotFound, Unavailable):
    """A file of the release no longer matches its manifest (changed, missing or unreadable).

    Its message names the file only, never the server's path, so it can be shown to clients (a 503);
    it is a :class:`ReleaseNotFound` for the command line, which cannot use such a release either."""

    title = Message("Service unavailable", "Inte tillgänglig")

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(
            Message(
                f"The file {name} of this release is damaged on the server (it does not match the release's "
                "manifest), so it is not served, nor anything made from it, until the release is rebuilt.",
                f"Filen {name} i den här utgåvan är skadad på servern (den stämmer inte med utgåvans manifest), "
                "så varken den eller något som görs av den lämnas ut förrän utgåvan har byggts om.",
            )
        )

    def __reduce__(self) -> tuple[type[DamagedFile], tuple[str, str]]:
        return type(self), (self.name, self.reason)  # made again from what it was made of


#: What identifies one state of a file on disk: a write changes the size or the change time (which no
#: tool can set back), a replacement the inode; then the file is hashed again.
_Identity = tuple[int, int, int, int, int]


def _identity(st: os.stat_result) -> _Identity:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class _Check:
    """What the last check of one release file found."""

    path: Path
    where: str  # the path as a string, for a quick os.stat
    identity: _Identity | None  # None: there was nothing to stat
    problem: str | None  # None: the file matched the manifest


@dataclass
class Release:
    """A published release folder, read-only.

    Every file is checked against the SHA-256 in the manifest before it is used (:meth:`require`);
    the check is repeated only when the file's identity on disk changes (one ``stat``), so a file
    damaged while a server runs is caught at its next use as well."""

    path: Path
    manifest: dict
    _checked: dict[str, _Check] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

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
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, ReleaseFile]:
        return {f.name: f for f in self.files()}

    def dump_path(self, fmt: Format, stem: str = DUMP_STEM) -> Path:
        return self.path / f"{stem}.{fmt.extension}"

    def verify(self) -> dict[str, str]:
        """Check every file the manifest lists; the damaged ones by name, with the reason (also logged)."""
        started = time.perf_counter()
        for item in self.files():
            self._problem(item)
        damaged = self.damaged()
        log.info(
            "release %s: %d files checked in %.1f ms",
            self.path,
            len(self.files()),
            1000 * (time.perf_counter() - started),
        )
        return damaged

    def damaged(self) -> dict[str, str]:
        """The files found damaged so far, by name, with the reason."""
        with self._lock:
            return {name: check.problem for name, check in self._checked.items() if check.problem}

    def require(self, name: str) -> Path:
        """The path of the release file ``name``, once it is known to match the manifest.

        Raises :class:`DamagedFile` when it does not. A name the manifest does not list gives its path
        unchecked (the caller finds it missing). Costs one ``stat`` (about 3 µs) while the file is unchanged."""
        item = self.file(name)
        if item is None:
            return self.path / name
        check = self._checked.get(name)  # a dict read is atomic: no lock on the usual path
        if check is not None:
            try:
                unchanged = _identity(os.stat(check.where)) == check.identity
            except OSError:
                unchanged = False
            if unchanged:
                if check.problem:
                    raise DamagedFile(name, check.problem)
                return check.path
        problem = self._problem(item)
        if problem:
            raise DamagedFile(name, problem)
        return self._checked[name].path

    def _problem(self, item: ReleaseFile) -> str | None:
        """Why ``item`` does not match the manifest, or None, hashing it again (and logging any change)."""
        path = self.path / item.name
        with self._lock:
            try:
                found: os.stat_result | None = path.stat()
            except OSError:  # missing, or a link to nowhere
                found = None
            known = self._checked.get(item.name)
            if known is not None and found is not None and known.identity == _identity(found):
                return known.problem  # another thread has just checked it
            problem = _mismatch(path, item, found)
            if problem != (known.problem if known else None):
                if problem:
                    log.error("release file %s in %s is damaged (%s): not served", item.name, self.path, problem)
                elif known is not None:
                    log.warning("release file %s in %s matches its manifest again: served", item.name, self.path)
            identity = _identity(found) if found is not None else None
            self._checked[item.name] = _Check(path, str(path), identity, problem)
            return problem

    def load_graph(self, stem: str = DUMP_STEM) -> Graph:
        """The released graph, parsed from its N-Triples dump (the fastest to read), once it is checked.

        Raises :class:`DamagedFile` if the dump does not match the manifest, ReleaseNotFound if the
        manifest lists none."""
        nt = rdf_by_extension("nt")
        assert nt is not None
        name = f"{stem}.{nt.extension}"
        if self.file(name) is None:
            raise ReleaseNotFound(f"{self.path} has no N-Triples dump")
        return Graph().parse(self.require(name), format="nt")


def _mismatch(path: Path, item: ReleaseFile, found: os.stat_result | None) -> str | None:
    """Why the file at ``path`` is not the one ``item`` describes, or None."""
    if found is None:
        return "missing"
    if not stat.S_ISREG(found.st_mode):
        return "not a regular file"
    if found.st_size != item.bytes:
        return f"{found.st_size} bytes instead of {item.bytes}"
    try:
        digest = sha256_of(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror or type(exc).__name__}"
    return None if digest == item.sha256 else "SHA-256 differs"
