"""Settings, read from environment variables (``DIGIGOV_*``) with sensible defaults.

One frozen object is passed to the build and the web app, so nothing else reads the
environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .iris import CANONICAL_BASE, normalise_base


def _project_root() -> Path:
    """The checkout that holds data/, ontology/ and shapes/ (cwd first, then the source tree)."""
    cwd = Path.cwd()
    if (cwd / "data").is_dir() and (cwd / "shapes").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    base_iri: str = CANONICAL_BASE
    project_root: Path = field(default_factory=_project_root)
    release_dir: Path = Path("dist")
    query_timeout_s: float = 5.0
    max_query_bytes: int = 100_000
    max_result_rows: int = 10_000
    query_cache_entries: int = 512
    engine_memory_mb: int = 1024  # address space of one query engine process; 0: no cap
    sparql_endpoint: str | None = None  # a SPARQL 1.1 query endpoint that answers instead of the embedded engine
    sparql_default_graph: str | None = None  # where that engine holds the dataset's default graph (Virtuoso)

    @property
    def data_dir(self) -> Path:
        return self.project_root / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.project_root / "shapes"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some settings replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_environment(env: dict[str, str] | None = None) -> Settings:
    """Settings from ``DIGIGOV_BASE_IRI``, ``DIGIGOV_RELEASE_DIR``, ``DIGIGOV_QUERY_TIMEOUT`` …"""
    env = dict(os.environ if env is None else env)
    settings = Settings()
    changes: dict[str, object] = {}
    if "DIGIGOV_BASE_IRI" in env:
        changes["base_iri"] = normalise_base(env["DIGIGOV_BASE_IRI"])
    if "DIGIGOV_PROJECT_ROOT" in env:
        changes["project_root"] = Path(env["DIGIGOV_PROJECT_ROOT"])
    if "DIGIGOV_RELEASE_DIR" in env:
        changes["release_dir"] = Path(env["DIGIGOV_RELEASE_DIR"])
    if env.get("DIGIGOV_SPARQL_ENDPOINT"):
        url = urlsplit(env["DIGIGOV_SPARQL_ENDPOINT"])
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(
                f"DIGIGOV_SPARQL_ENDPOINT must be an http(s) URL of a SPARQL query endpoint, "
                f"got {env['DIGIGOV_SPARQL_ENDPOINT']!r}"
            )
        changes["sparql_endpoint"] = env["DIGIGOV_SPARQL_ENDPOINT"]
    if env.get("DIGIGOV_SPARQL_DEFAULT_GRAPH"):
        changes["sparql_default_graph"] = env["DIGIGOV_SPARQL_DEFAULT_GRAPH"]
    numeric = {
        "DIGIGOV_QUERY_TIMEOUT": ("query_timeout_s", float),
        "DIGIGOV_MAX_QUERY_BYTES": ("max_query_bytes", int),
        "DIGIGOV_MAX_RESULT_ROWS": ("max_result_rows", int),
        "DIGIGOV_ENGINE_MEMORY_MB": ("engine_memory_mb", int),
    }
    for variable, (name, convert) in numeric.items():
        if variable in env:
            try:
                changes[name] = convert(env[variable])
            except ValueError as exc:
                raise ValueError(f"{variable} must be a number, got {env[variable]!r}") from exc
    return settings.with_overrides(**changes)
