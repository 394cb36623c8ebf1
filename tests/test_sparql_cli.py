"""``digigov-lod query``: the same dataset and service as the web app, and formats checked before running."""

from __future__ import annotations

import pytest
import requests
from click.testing import CliRunner

from digigov_lod.cli import main

SELECT = "PREFIX schema: <https://schema.org/> SELECT ?p WHERE { ?p a schema:Person } LIMIT 2"
CONSTRUCT = "PREFIX schema: <https://schema.org/> CONSTRUCT WHERE { ?p a schema:Person }"


def _run(release, query: str, *options: str):
    return CliRunner().invoke(main, ["query", "-", "--release", str(release.path), *options], input=query)


@pytest.mark.parametrize(
    ("query", "fmt", "fitting"),
    [
        (SELECT, "ttl", "json, xml, csv, tsv"),
        ("ASK { ?s ?p ?o }", "nt", "json, xml, csv, tsv"),
        (CONSTRUCT, "csv", "ttl, jsonld, nt, rdf"),
        (CONSTRUCT, "html", "ttl, jsonld, nt, rdf"),
    ],
    ids=["select-ttl", "ask-nt", "construct-csv", "construct-html"],
)
def test_a_format_that_does_not_fit_the_query_form_is_refused_up_front(release, query, fmt, fitting) -> None:
    result = _run(release, query, "--format", fmt)
    assert result.exit_code == 2, result.output
    assert f"'{fmt}' does not fit" in result.output and fitting in result.output
    assert "engine failed" not in result.output


def test_defaults_fit_the_query_form(release) -> None:
    table = _run(release, SELECT)
    assert table.exit_code == 0 and table.output.splitlines()[0] == "p"
    rdf = _run(release, CONSTRUCT)
    assert rdf.exit_code == 0 and "@prefix schema: <https://schema.org/>" in rdf.output


def test_turtle_is_the_same_as_the_endpoints(release, live_server) -> None:
    cli = _run(release, CONSTRUCT, "--format", "ttl")
    web = requests.get(live_server.url + "sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"})
    assert cli.exit_code == 0 and cli.output == web.text


def test_the_query_command_honours_from(release) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{release.base_iri}graph/void> WHERE {{ ?s ?p ?o }}"
    result = _run(release, query)
    void_lines = sum(1 for line in (release.path / "void.nt").read_bytes().splitlines() if line.strip())
    assert result.exit_code == 0 and result.output.splitlines()[1] == str(void_lines)
