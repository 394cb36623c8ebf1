"""Settings, read from environment variables (``DIGIGOV_*``) with sensible defaults.

One frozen object is passed to the build and the web app, so nothing else reads the environment
(``tests/test_settings.py`` holds every other module to that). How gunicorn runs the site
(processes, threads, access log) is a :class:`ServerSettings` of its own, read by the gunicorn
configuration and the ASGI entry point.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
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
    engine_memory_mb: int = 1024  # address space one engine's queries may take beyond the loaded release; 0: no cap
    sparql_endpoint: str | None = None  # a SPARQL 1.1 query endpoint that answers instead of the embedded engine
    sparql_default_graph: str | None = None  # where that engine holds the dataset's default graph (Virtuoso)
    #: ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention): the build time, pinned; None: now.
    source_date_epoch: int | None = None

    @property
    def data_dir(self) -> Path:
        return self.project_root / "data"

    @property
    def catalog_file(self) -> Path:
        """The catalog's facts, as the publisher states them (titles, contact, licence …)."""
        return self.data_dir / "catalog.toml"

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.project_root / "shapes"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some settings replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class ServerSettings:
    """How gunicorn serves the site (``make run``): read in its master and in each worker."""

    web_workers: int = 2  # processes
    web_threads: int = 8  # threads per process for requests that are not replayed
    access_log: str | None = "-"  # gunicorn's accesslog: "-" is stderr, None none
    header_timeout_s: float = 15.0  # a client that takes longer to send its headers gets a 408
    sockets_handed_over: bool = False  # GUNICORN_FD / LISTEN_FDS: listen on those (systemd, a re-exec)


def _converted(env: Mapping[str, str], numeric: dict[str, tuple[str, Callable[[str], object]]]) -> dict[str, Any]:
    """The numeric settings present in ``env``; a bad value is refused with the variable's name."""
    changes: dict[str, Any] = {}  # values of the dataclass fields' several types, checked by their converters
    for variable, (name, convert) in numeric.items():
        if variable in env:
            try:
                changes[name] = convert(env[variable])
            except ValueError as exc:
                raise ValueError(f"{variable} must be a number, got {env[variable]!r}") from exc
    return changes


def from_environment(env: Mapping[str, str] | None = None) -> Settings:
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
    numeric: dict[str, tuple[str, Callable[[str], object]]] = {
        "DIGIGOV_QUERY_TIMEOUT": ("query_timeout_s", float),
        "DIGIGOV_MAX_QUERY_BYTES": ("max_query_bytes", int),
        "DIGIGOV_MAX_RESULT_ROWS": ("max_result_rows", int),
        "DIGIGOV_ENGINE_MEMORY_MB": ("engine_memory_mb", int),
    }
    changes.update(_converted(env, numeric))
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {epoch!r}")
        changes["source_date_epoch"] = int(epoch)
    return settings.with_overrides(**changes)


def server_from_environment(env: Mapping[str, str] | None = None) -> ServerSettings:
    """ServerSettings from ``DIGIGOV_WEB_WORKERS``, ``DIGIGOV_WEB_THREADS``, ``DIGIGOV_ACCESS_LOG``,
    ``DIGIGOV_HEADER_TIMEOUT``, and gunicorn's and systemd's ``GUNICORN_FD`` / ``LISTEN_FDS``."""
    env = dict(os.environ if env is None else env)
    numeric: dict[str, tuple[str, Callable[[str], object]]] = {
        "DIGIGOV_WEB_WORKERS": ("web_workers", int),
        "DIGIGOV_WEB_THREADS": ("web_threads", int),
        "DIGIGOV_HEADER_TIMEOUT": ("header_timeout_s", float),
    }
    changes = _converted(env, numeric)
    if "DIGIGOV_ACCESS_LOG" in env:
        changes["access_log"] = env["DIGIGOV_ACCESS_LOG"] or None  # empty: no access log
    changes["sockets_handed_over"] = bool(env.get("GUNICORN_FD") or env.get("LISTEN_FDS"))
    server = replace(ServerSettings(), **changes)
    for variable, count in (("DIGIGOV_WEB_WORKERS", server.web_workers), ("DIGIGOV_WEB_THREADS", server.web_threads)):
        if count < 1:
            raise ValueError(f"{variable} must be at least 1, got {count}")
    return server
