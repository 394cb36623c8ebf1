"""Every setting lives in Settings: no module but config.py reads the environment, and bad values
are refused with the variable's name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import digigov_lod
from digigov_lod.config import ServerSettings, from_environment, server_from_environment

PACKAGE = Path(digigov_lod.__file__).parent


def _environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read ``os.environ`` / ``os.getenv`` (or ``environ`` / ``getenv`` imported from os)."""
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            imported |= {alias.asname or alias.name for alias in node.names if alias.name in ("environ", "getenv")}
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("environ", "getenv", "environb", "getenvb")
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ) or (isinstance(node, ast.Name) and node.id in imported):
            lines.append(node.lineno)
    return lines


def test_no_module_but_config_reads_the_environment() -> None:
    readers = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "config.py" and path.parent == PACKAGE:
            continue
        lines = _environment_reads(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if lines:
            readers[path.relative_to(PACKAGE).as_posix()] = lines
    assert readers == {}, f"read the environment outside config.py (module: lines): {readers}"


def test_the_walk_finds_each_way_of_reading_it() -> None:
    for source in (
        "import os\nos.environ.get('X')",
        "import os\nos.getenv('X')",
        "from os import environ\nenviron['X']",
        "from os import getenv as g\ng('X')",
    ):
        assert _environment_reads(ast.parse(source)), source
    assert not _environment_reads(ast.parse("environ = {}\nenviron.get('X')"))


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGIGOV_QUERY_TIMEOUT": "soon"}, "DIGIGOV_QUERY_TIMEOUT"),
        ({"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        from_environment(env)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGIGOV_WEB_WORKERS": "two"}, "DIGIGOV_WEB_WORKERS"),
        ({"DIGIGOV_WEB_WORKERS": "0"}, "DIGIGOV_WEB_WORKERS"),
        ({"DIGIGOV_WEB_THREADS": "-1"}, "DIGIGOV_WEB_THREADS"),
        ({"DIGIGOV_HEADER_TIMEOUT": "15s"}, "DIGIGOV_HEADER_TIMEOUT"),
    ],
)
def test_bad_server_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        server_from_environment(env)


def test_server_settings_from_the_environment() -> None:
    assert server_from_environment({}) == ServerSettings()
    server = server_from_environment(
        {"DIGIGOV_WEB_WORKERS": "3", "DIGIGOV_WEB_THREADS": "4", "DIGIGOV_ACCESS_LOG": "", "LISTEN_FDS": "1"}
    )
    assert (server.web_workers, server.web_threads, server.access_log, server.sockets_handed_over) == (3, 4, None, True)
    assert from_environment({"SOURCE_DATE_EPOCH": "1512428400"}).source_date_epoch == 1512428400
    assert from_environment({"SOURCE_DATE_EPOCH": ""}).source_date_epoch is None
