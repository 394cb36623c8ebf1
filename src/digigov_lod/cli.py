"""The ``digigov-lod`` command line: build, validate, serve, query."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from .build import BuildFailed, build, check_sources
from .config import Settings, from_environment
from .jsonld.cli import embed_command


def _settings(release: Path | None = None, base: str | None = None) -> Settings:
    try:
        settings = from_environment()
        if base:
            from .iris import normalise_base

            settings = settings.with_overrides(base_iri=normalise_base(base))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    return settings.with_overrides(release_dir=release)


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@click.group()
@click.version_option(package_name="digigov-lod")
def main() -> None:
    """Publish Sambruk's DigiGov 2017 report as linked open data."""


@main.command("build")
@click.option("--release", "release", type=click.Path(path_type=Path), help="Release folder (default dist/).")
@click.option("--base", help="Base IRI of the dataset (default https://w3id.org/digigov-lod/).")
def build_command(release: Path | None, base: str | None) -> None:
    """Validate the sources and write a release; a failure leaves the last release untouched."""
    settings = _settings(release, base)
    try:
        build(settings, progress=click.echo)
    except BuildFailed as exc:
        _echo_err(f"Build failed: {exc}")
        sys.exit(1)


@main.command("validate")
def validate_command() -> None:
    """Print a readable validation report; exit 1 on violations."""
    settings = _settings()
    try:
        checked = check_sources(settings, progress=_echo_err)
    except BuildFailed as exc:
        _echo_err(f"Validation failed: {exc}")
        sys.exit(1)
    click.echo(checked.outcome.summary(checked.graph))
    sys.exit(0 if checked.outcome.conforms else 1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--release", "release", type=click.Path(path_type=Path), help="Release folder (default dist/).")
def serve_command(host: str, port: int, release: Path | None) -> None:
    """Serve a release with Flask's development server (use gunicorn in production, see README)."""
    from .release import ReleaseNotFound
    from .web import create_app

    settings = _settings(release)
    try:
        app = create_app(settings, settings.release_dir)
    except ReleaseNotFound as exc:
        _echo_err(str(exc))
        sys.exit(1)
    click.echo(f"Serving release {app.extensions['digigov'].release.version} on http://{host}:{port}/")
    app.run(host=host, port=port, threaded=True)


@main.command("query")
@click.argument("query_file", type=click.File("r", encoding="utf-8"))
@click.option("--release", "release", type=click.Path(path_type=Path), help="Release folder (default dist/).")
@click.option(
    "--format",
    "format_key",
    default=None,
    help="SELECT/ASK: json, xml, csv (default), tsv; CONSTRUCT/DESCRIBE: ttl (default), jsonld, nt, rdf.",
)
def query_command(query_file: IO[str], release: Path | None, format_key: str | None) -> None:
    """Run a SPARQL query file (or - for stdin) against a release, with the server's checks and limits."""
    from .formats import RDF_FORMATS, RESULT_FORMATS, SPARQL_CSV, TURTLE, by_key
    from .release import Release, ReleaseNotFound
    from .sparql.dataset import build_engine, build_service
    from .sparql.engine import EngineFailure, PoolBusy, QueryError, QueryTimeout
    from .sparql.guard import QueryRefused
    from .sparql.service import unknown_graphs_note

    settings = _settings(release).with_overrides(query_cache_entries=0)
    if format_key is not None and by_key(format_key) is None:
        raise click.BadParameter(f"unknown format {format_key!r}", param_hint="--format")
    try:
        opened = Release.open(settings.release_dir)
    except ReleaseNotFound as exc:
        _echo_err(str(exc))
        sys.exit(1)
    text = query_file.read()
    service = build_service(opened, settings, build_engine(opened, settings, pool_size=1))
    try:
        plan = service.plan(text)
    except QueryRefused as exc:
        _echo_err(f"{query_file.name}: {exc}")
        sys.exit(1)
    unknown = service.unknown_graphs(plan, (), ())
    if unknown:
        _echo_err(f"{query_file.name}: {unknown_graphs_note(unknown, service.graphs.names)}")
    tabular = plan.form in ("SELECT", "ASK")
    fitting = RESULT_FORMATS if tabular else RDF_FORMATS
    fmt = by_key(format_key) if format_key else (SPARQL_CSV if tabular else TURTLE)
    if fmt not in fitting:
        raise click.BadParameter(
            f"{format_key!r} does not fit a {plan.form} query, whose answer is "
            f"{'a table of results' if tabular else 'RDF'}: use one of {', '.join(f.key for f in fitting)}",
            param_hint="--format",
        )
    try:
        answer = service.answer(text, plan, fmt.key)
    except (QueryError, QueryTimeout, PoolBusy, EngineFailure) as exc:
        _echo_err(f"{query_file.name}: {exc}")
        sys.exit(1)
    finally:
        service.pool.close()
    click.echo(answer.body.decode("utf-8"), nl=False)
    if answer.truncated:
        _echo_err(f"(truncated after {answer.rows} rows)")


@main.command("export")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--url", required=True, help="The public URL the export will be served at, e.g. https://example.org/.")
@click.option("--release", "release", type=click.Path(path_type=Path), help="Release folder (default dist/).")
@click.option(
    "--sparql", help="A live SPARQL endpoint for the pages' query forms and links (default: answers as files)."
)
def export_command(out: Path, url: str, release: Path | None, sparql: str | None) -> None:
    """Write the whole site as static files, with nginx.conf and .htaccess for negotiation and 303s."""
    from .export import ExportFailed, Target, export
    from .release import ReleaseNotFound

    settings = _settings(release)
    try:
        Target.parse(url, sparql)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        export(settings, out, url, sparql, progress=_echo_err)
    except (ReleaseNotFound, ExportFailed) as exc:
        _echo_err(f"Export failed: {exc}")
        sys.exit(1)


main.add_command(embed_command)
