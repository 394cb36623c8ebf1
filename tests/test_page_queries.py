"""The pages made from more than one resource read a page query's answer, not the whole graph: the same
page as the whole graph gives.

Each page's Python (the programme, the network, an index's rows, the publisher) runs twice, on the whole
parsed dump (how the pages were made before: the reference) and on the part of the data its page query
answers; a triple the query forgets shows up as a difference. The real release in the fast loop, a corpus
of three conferences in make test-all (its other conferences must not leak into the programme, and the
indexes and counts must hold all three).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Graph, URIRef
from support import PROJECT_ROOT

from digigov_lod.config import Settings
from digigov_lod.iris import thing_iri, things_namespace
from digigov_lod.release import Release
from digigov_lod.web import browse, create_app
from digigov_lod.web.about import PUBLISHER, publisher
from digigov_lod.web.browse import INDEXES, counts, in_order, rows
from digigov_lod.web.pictures import network
from digigov_lod.web.programme import programme, programme_graph
from digigov_lod.web.site import Site


def corpus_release(copies: int, folder: Path) -> Path:
    """``copies`` conferences (bench/corpus.py) built into a release."""
    spec = importlib.util.spec_from_file_location("corpus", PROJECT_ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    corpus.write_corpus(copies, folder)
    cli = Path(sys.executable).with_name("digigov-lod")
    subprocess.run([str(cli), "build", "--release", str(folder / "dist")], cwd=folder, check=True, capture_output=True)
    return folder / "dist"


@pytest.fixture(scope="module", params=["release", pytest.param("three-conferences", marks=pytest.mark.slow)])
def served(
    request: pytest.FixtureRequest, release: Release, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Graph]]:
    """The app on a release, and that release's whole knowledge graph (the reference)."""
    path = release.path if request.param == "release" else corpus_release(3, tmp_path_factory.mktemp("corpus"))
    app = create_app(Settings(project_root=PROJECT_ROOT), path, response_cache=False)
    site: Site = app.extensions["digigov"]
    try:
        yield app, site.release.load_graph()
    finally:
        site.store.close()


def site_of(app: Flask) -> Site:
    return app.extensions["digigov"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_programme_and_network_are_those_of_the_whole_graph(served: tuple[Flask, Graph], lang: str) -> None:
    app, whole = served
    site = site_of(app)
    with app.test_request_context():
        part = programme_graph(site)
        expected = programme(whole, site.base, lang)
        assert programme(part, site.base, lang) == expected
        assert sum(len(day.sessions) for day in expected) >= 10
        assert network(part, site.base, lang) == network(whole, site.base, lang)
    assert len(part) < len(whole) / 2  # a part, not the whole graph again


def test_the_programme_leaves_other_conferences_out(served: tuple[Flask, Graph]) -> None:
    app, whole = served
    site = site_of(app)
    with app.test_request_context():
        part = programme_graph(site)
    conference = URIRef(thing_iri(site.base, "event", "digigov-2017"))
    others = {s for s in whole.subjects() if "/id/event/c" in str(s) and str(s).endswith("digigov-2017")}
    assert (conference, None, None) in part
    assert not any((other, None, None) in part for other in others)


@pytest.mark.parametrize("slug", sorted(INDEXES))
def test_each_index_has_the_rows_of_the_whole_graph(served: tuple[Flask, Graph], slug: str) -> None:
    app, whole = served
    site = site_of(app)
    index, cells = INDEXES[slug]
    with app.test_request_context():
        ordered = in_order(site, index, "en")
        part = site.store.page_graph("index", keep=False, values=ordered)
        expected = rows(whole, site.base, index, cells, "en")
        assert rows(part, site.base, index, cells, "en", [URIRef(t) for t in ordered]) == expected
    assert expected and [row["thing"]["iri"] for row in expected] == list(ordered)


def test_a_long_index_is_cut_into_pages(served: tuple[Flask, Graph], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row once, in the order of the whole index; a link to the next page; bad page numbers refused."""
    app, whole = served
    site = site_of(app)
    monkeypatch.setattr(browse, "PAGE_ROWS", 4)
    client = app.test_client()
    with app.test_request_context():
        everyone = [row["thing"]["href"] for row in rows(whole, site.base, *INDEXES["people"], "en")]
    pages = -(-len(everyone) // 4)
    seen: list[str] = []
    for page in range(1, pages + 1):
        answer = client.get(f"/browse/people?page={page}", headers={"Accept-Language": "en"})
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        seen += re.findall(r'<tr><td><a href="([^"]+)">', html)
        assert ('rel="next"' in html) == (page < pages) and ('rel="prev"' in html) == (page > 1)
        assert f"of {len(everyone)} (page {page}/{pages})" in html
    assert seen == everyone
    for asked, status in (("0", 400), ("two", 400), ("-1", 400), ("²", 400), ("9" * 5000, 400), (str(pages + 1), 404)):
        assert client.get(f"/browse/people?page={asked}").status_code == status, asked


def test_the_counts_are_the_subjects_of_each_kind(served: tuple[Flask, Graph]) -> None:
    app, whole = served
    site = site_of(app)
    things = things_namespace(site.base)
    subjects = {str(s) for s in whole.subjects() if isinstance(s, URIRef) and str(s).startswith(things)}
    expected = Counter(s[len(things) :].split("/", 1)[0] for s in subjects)
    with app.test_request_context():
        found = {index.kind: count for index, count in counts(site)}
    assert found == {kind: expected.get(kind, 0) for kind in found}
    assert found["person"] >= 10


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_publisher_is_read_from_its_neighbourhood(served: tuple[Flask, Graph], lang: str) -> None:
    app, whole = served
    site = site_of(app)
    with app.test_request_context():
        part = site.store.neighbourhood(thing_iri(site.base, *PUBLISHER))
        expected = publisher(whole, site.base, lang)
        assert publisher(part, site.base, lang) == expected
    assert expected["contacts"] and expected["addresses"]
