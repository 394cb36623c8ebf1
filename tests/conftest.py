"""Shared fixtures: a release built from the real sources, and a real server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Graph
from release_cache import shared_release
from scheduling import cache_of
from support import PROJECT_ROOT, LiveServer, start_server

from digigov_lod.config import Settings
from digigov_lod.release import Release

pytest_plugins = ["scheduling"]


@pytest.fixture(scope="session")
def project_settings() -> Settings:
    return Settings(project_root=PROJECT_ROOT)


@pytest.fixture(scope="session")
def release(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, project_settings: Settings
) -> Release:
    """The real sources' release, shared read-only by every test and xdist worker (see ``release_cache``).

    A test that must change a release works on :func:`release_cache.copy_release`."""
    cache = cache_of(request.config)
    folder = cache.mkdir("releases") if cache is not None else tmp_path_factory.getbasetemp().parent / "releases"
    return shared_release(project_settings, folder)


@pytest.fixture(scope="session")
def union_graph(release: Release) -> Graph:
    """What the endpoint's default graph holds: the knowledge graph, the catalog and VoID."""
    graph = release.load_graph()
    for name in ("catalog.nt", "void.nt"):
        graph.parse(release.path / name, format="nt")
    return graph


@pytest.fixture(scope="session")
def live_server(release: Release) -> Iterator[LiveServer]:
    server = start_server(release.path)
    yield server
    server.stop()
