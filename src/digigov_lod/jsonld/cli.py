"""``digigov-lod embed IRI``: print a resource's JSON-LD snippet (registered in digigov_lod.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..iris import things_namespace
from .embed import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    VARIANTS,
    NoSuchResource,
    Options,
    conference_iri,
    json_text,
    snippet,
)
from .embed import script_element as _script_element
from .frames import DEFAULT_DEPTH


@click.command("embed")
@click.argument("iri", required=False)
@click.option("--conference", is_flag=True, help="The whole conference (DigiGov 2017) instead of IRI.")
@click.option("--variant", type=click.Choice(VARIANTS), default="embed", show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True)
@click.option(
    "--depth",
    type=click.IntRange(0, DEFAULT_DEPTH),
    default=DEFAULT_DEPTH,
    show_default=True,
    help="How many levels of nested things are spelt out (1 gives a small snippet).",
)
@click.option("--html", "as_html", is_flag=True, help="Print the <script type=application/ld+json> element.")
@click.option("--release", type=click.Path(path_type=Path), help="Read a release folder instead of the sources.")
def embed_command(
    iri: str | None, conference: bool, variant: str, lang: str, depth: int, as_html: bool, release: Path | None
) -> None:
    """Print the JSON-LD snippet of IRI (a full IRI or kind/slug, e.g. event/digigov-2017) for a web page."""
    from ..config import from_environment
    from ..graph import SourceError, load_sources
    from ..release import Release, ReleaseNotFound

    settings = from_environment()
    try:
        if release:
            opened = Release.open(release)
            graph, base = opened.load_graph(), opened.base_iri
        else:
            graph, base = load_sources(settings.data_dir, settings.ontology_dir, settings.base_iri), settings.base_iri
    except (SourceError, ReleaseNotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    if conference:
        iri = conference_iri(base)
    if not iri:
        raise click.UsageError("give an IRI (or kind/slug) or --conference")
    if not iri.startswith(("http://", "https://")):
        iri = things_namespace(base) + iri.removeprefix("id/").strip("/")
    try:
        document = snippet(graph, iri, Options(variant=variant, lang=lang, depth=depth), base)
    except NoSuchResource:
        click.echo(f"{iri} is not described in the dataset", err=True)
        sys.exit(1)
    click.echo(_script_element(document) if as_html else json_text(document), nl=False)
