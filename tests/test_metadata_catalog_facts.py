"""The catalog's facts come from data/catalog.toml: an edit there changes the catalog, and a
malformed file stops the build with a message naming the file and line."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from digigov_lod.cli import main
from digigov_lod.config import Settings
from digigov_lod.graph import SourceError
from digigov_lod.metadata import dcat
from digigov_lod.metadata.catalog_facts import TABLES, load_facts, section_of
from digigov_lod.metadata.dcat_validation import report, validate_catalog
from digigov_lod.release import ReleaseWriter

BASE = "http://localhost:8000/lod/"
FACTS = Settings().catalog_file


def _catalog(tmp_path: Path, facts_file: Path) -> Graph:
    graph = Graph()
    graph.add((URIRef(BASE + "id/work/report"), RDF.type, URIRef("https://schema.org/Report")))
    writer = ReleaseWriter(tmp_path / "dist")
    writer.add_dumps(graph)
    try:
        return dcat.catalog_graph(graph, writer.files, BASE, "v1", "2026-01-02T03:04:05Z", facts=load_facts(facts_file))
    finally:
        writer.discard()


def test_the_project_file_holds_every_fact_of_the_tables() -> None:
    facts = load_facts(FACTS)
    for section, rows in TABLES.items():
        assert {row.key for row in rows} <= set(section_of(facts, section)), section


def test_an_edited_fact_and_a_new_keyword_reach_the_catalog(tmp_path: Path) -> None:
    text = FACTS.read_text(encoding="utf-8")
    edited = text.replace('"DigiGov 2017 – knowledge graph"', '"A renamed graph"').replace(
        '"linked data"] }\nthemes = ["GOVE", "TECH"]', '"linked data", "Kista"] }\nthemes = ["GOVE", "TECH"]'
    )
    assert edited.count("A renamed graph") == 1 and edited.count('"Kista"') == 1
    (tmp_path / "catalog.toml").write_text(edited, encoding="utf-8")
    catalog = _catalog(tmp_path, tmp_path / "catalog.toml")
    dataset = URIRef(BASE + "catalog#dataset")
    assert Literal("A renamed graph", lang="en") in set(catalog.objects(dataset, DCTERMS.title))
    assert Literal("Kista", lang="en") in set(catalog.objects(dataset, DCAT.keyword))
    results = validate_catalog(catalog)
    assert all(r.conforms for r in results), report(results, catalog)


def test_dates_and_iris_of_the_file_become_typed_terms(tmp_path: Path) -> None:
    facts = tomllib.loads(FACTS.read_text(encoding="utf-8"))
    assert facts["catalog"]["issued"].isoformat() == "2026-11-29"
    catalog = _catalog(tmp_path, FACTS)
    assert (URIRef(BASE + "catalog#catalog"), DCTERMS.license, URIRef(facts["catalog"]["license"])) in catalog


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("issued = 2026-11-29  #", "issued = 2026-11-  #", r"catalog\.toml:\d+: not valid TOML"),
        ('themes = ["GOVE", "TECH"]', "", r"catalog\.toml: \[dataset\] has no 'themes'"),
        ("issued = 2026-11-29  #", 'issued = "2026-11-29"  #', r"\[catalog\] issued: expected a date"),
        ('title = { sv = "SPARQL-tjänst (API)"', "title = { sv = 3", r"\[api_distribution\] title: every text"),
    ],
)
def test_a_malformed_file_is_refused_with_file_and_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = FACTS.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "catalog.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_facts(broken)


def test_the_build_names_the_file_and_line(tmp_path: Path, project_settings: Settings) -> None:
    root = tmp_path / "project"
    for folder in ("data", "ontology", "shapes"):
        shutil.copytree(project_settings.project_root / folder, root / folder)
    facts = root / "data" / "catalog.toml"
    lines = facts.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("spatial = "))
    lines[number - 1] = "spatial = [SWE]"
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--release", str(tmp_path / "dist")], env={"DIGIGOV_PROJECT_ROOT": str(root)}
    )
    assert result.exit_code != 0
    assert f"catalog.toml:{number}: not valid TOML" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "dist").exists()
