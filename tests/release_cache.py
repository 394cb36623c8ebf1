"""The good release, built once for all test runs and xdist workers until a source or the code changes.

Building it takes most of a minute, and every worker of every run needs the same one. It is kept under
pytest's cache folder by a hash of everything that goes into it (the sources, the package's code and
resources, the pinned dependencies), built by whichever worker comes first while the others wait on a
file lock, and checked against its manifest before it is reused, so a test that damaged it cannot pass
the damage on to the next run.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock

from digigov_lod.build import build
from digigov_lod.config import Settings
from digigov_lod.release import Release, ReleaseNotFound

#: What a release is made of, relative to the project root: a change to any file under these changes the key.
INPUTS = ("data", "ontology", "shapes", "src/digigov_lod", "pyproject.toml")
#: Releases of other keys kept beside the current one (another branch checked out, a source edited back).
KEEP_OTHERS = 2
#: Generated or volatile files whose changes never reach a release.
_IGNORED_PARTS = {"__pycache__", "static"}


def _input_files(project_root: Path) -> Iterable[Path]:
    for name in INPUTS:
        path = project_root / name
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            relative = found.relative_to(project_root).parts
            if found.is_file() and not _IGNORED_PARTS.intersection(relative) and found.suffix != ".pyc":
                yield found


def inputs_key(project_root: Path, base_iri: str) -> str:
    """A short hash of every input file's path and bytes, and of the base IRI."""
    digest = hashlib.sha256(base_iri.encode())
    for path in _input_files(project_root):
        digest.update(str(path.relative_to(project_root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _usable(target: Path) -> bool:
    """Whether ``target`` holds a release whose files all match its manifest."""
    try:
        return not Release.open(target).verify()
    except (ReleaseNotFound, ValueError, KeyError, OSError):
        return False


def _prune(cache: Path, current: Path) -> None:
    """Delete all but the :data:`KEEP_OTHERS` most recently used releases besides ``current``."""
    others = sorted(
        (p for p in cache.iterdir() if p.is_dir() and p != current), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in others[KEEP_OTHERS:]:
        with FileLock(old.with_suffix(".lock")):
            shutil.rmtree(old, ignore_errors=True)


def shared_release(settings: Settings, cache: Path) -> Release:
    """The release of ``settings``' sources, from ``cache`` when it is there and intact, else built into it."""
    cache.mkdir(parents=True, exist_ok=True)
    folder = cache / inputs_key(settings.project_root, settings.base_iri)
    target = folder / "dist"
    with FileLock(folder.with_suffix(".lock")):
        if not _usable(target):
            shutil.rmtree(folder, ignore_errors=True)
            build(settings.with_overrides(release_dir=target))
        folder.touch()  # most recently used: kept by the pruning
    _prune(cache, folder)
    return Release.open(target)


def copy_release(release: Release, into: Path, name: str = "dist") -> Path:
    """A private copy of ``release`` published in ``into`` as a build publishes it: the link ``name`` to the
    folder among ``.{name}-releases``. Returns the link.

    For tests that rebuild or damage a release: cheaper than building one, and the shared one stays intact."""
    kept = into / f".{name}-releases" / release.path.name
    shutil.copytree(release.path, kept)
    link = into / name
    link.symlink_to(kept.relative_to(into))
    return link
