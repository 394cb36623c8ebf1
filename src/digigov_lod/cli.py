"""The ``digigov-lod`` command line: build, validate, serve, query."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .build import BuildFailed, build, check_sources
from .config import Settings, from_environment


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
