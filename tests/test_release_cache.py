"""The shared release is rebuilt when an input changes and reused only while intact; modules stay whole."""

from __future__ import annotations

from pathlib import Path

from release_cache import _usable, copy_release, inputs_key
from scheduling import module_of

from digigov_lod.release import Release


def _project(root: Path) -> Path:
    for name in ("data", "ontology", "shapes", "src/digigov_lod"):
        (root / name).mkdir(parents=True)
    (root / "data" / "people.ttl").write_text("<a> <b> <c> .\n")
    (root / "pyproject.toml").write_text("[project]\n")
    return root


def test_the_key_follows_the_inputs_and_ignores_bytecode(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = inputs_key(root, "https://example.org/")
    (root / "src" / "digigov_lod" / "__pycache__").mkdir()
    (root / "src" / "digigov_lod" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert inputs_key(root, "https://example.org/") == before
    (root / "data" / "people.ttl").write_text("<a> <b> <d> .\n")
    changed = inputs_key(root, "https://example.org/")
    assert changed != before
    assert inputs_key(root, "https://example.net/") != changed


def test_a_damaged_copy_is_not_reused(release: Release, tmp_path: Path) -> None:
    link = copy_release(release, tmp_path)
    assert link.is_symlink() and _usable(link)
    (link.resolve() / "void.ttl").write_text("# damaged\n")
    assert not _usable(link)
    assert not _usable(tmp_path / "nothing-here")
    assert _usable(release.path)  # the shared one is untouched


def test_a_module_is_one_unit_even_when_a_parameter_holds_a_double_colon() -> None:
    assert module_of("tests/test_x.py::test_y[a::b]") == "tests/test_x.py"
    assert module_of("tests/test_x.py") == "tests/test_x.py"
