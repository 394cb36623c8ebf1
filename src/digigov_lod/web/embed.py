"""``/embed/{kind}/{slug}``: a resource as a JSON-LD snippet for web pages (issue #5).

``/embed/{kind}/{slug}`` answers ``application/ld+json``; ``/embed/{kind}/{slug}.html`` the ready
``<script type="application/ld+json">`` element as ``text/html``. ``?variant=full`` adds every
vocabulary and language, ``?lang=sv|en`` picks the language of the embed variant (default sv).
Snippets are made once per release and options and kept in memory.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from rdflib import Graph

from ..errors import BadRequest, NotFound
from ..formats import JSONLD
from ..iris import THING_SEGMENT, is_dereferenceable_path, thing_iri
from ..jsonld import NoSuchResource, Options, json_text, script_element, snippet
from ..jsonld.embed import Source
from ..jsonld.frames import DEFAULT_DEPTH
from ..messages import Message
from .i18n import reader_language
from .responses import install_error_handler, representation
from .site import current_site

blueprint = Blueprint("embed", __name__)
blueprint.record_once(install_error_handler)


def cached_snippet(iri: str, opts: Options, graph: Graph | None = None) -> dict[str, Any]:
    """The snippet for ``iri`` in the current site's release (made once per release, then from memory).

    ``graph``: where its triples are, when the caller has them at hand (a resource page's neighbourhood
    holds all a depth-0 snippet states); by default each nested node's neighbourhood, so that a deep
    snippet reads the few resources it shows, never the whole knowledge graph."""
    store = current_site().store
    source: Graph | Source = store.neighbourhood if graph is None else graph
    text: str = store.remember(  # kept as text: a string is one object the garbage collector skips, a JSON tree
        ("snippet", iri, opts.variant, opts.lang, opts.depth),  # hundreds it walks on every full collection
        lambda: json.dumps(snippet(source, iri, opts, store.release.base_iri), ensure_ascii=False),
    )
    return json.loads(text)


def _not_described(iri: str) -> NotFound:
    return NotFound(Message(f"{iri} is not described in this dataset", f"{iri} beskrivs inte i datamängden"))


def _options() -> Options:
    depth = request.args.get("depth", str(DEFAULT_DEPTH))
    if not depth.isdigit():
        raise BadRequest(f"depth must be a whole number from 0 to {DEFAULT_DEPTH}, got {depth!r}")
    try:
        return Options(
            variant=request.args.get("variant", "embed"),
            lang=request.args.get("lang") or reader_language(),
            depth=int(depth),  # how far nested things are spelt out: 1 gives a small conference snippet
        )
    except ValueError as exc:  # Options refuses an unknown variant or language, or too deep a depth
        raise BadRequest(str(exc)) from None


@blueprint.route("/embed/<kind>/<path:slug>", methods=["GET", "HEAD"])
def embed(kind: str, slug: str) -> Response:
    opts = _options()
    as_html = slug.endswith(".html")
    if as_html:
        slug = slug[: -len(".html")]
    elif slug.endswith(".jsonld"):
        slug = slug[: -len(".jsonld")]
    site = current_site()
    iri = thing_iri(site.base, kind, slug)
    if not is_dereferenceable_path(f"{THING_SEGMENT}{kind}/{slug}"):  # no thing of the data, nor an IRI to query
        raise _not_described(iri)
    try:
        document = cached_snippet(iri, opts)
    except NoSuchResource:
        raise _not_described(iri) from None
    variant = f"embed-{opts.variant}-{opts.lang}-{opts.depth}-"
    vary = None if "lang" in request.args else "Accept-Language"  # the reader's language picks the labels
    if as_html:
        return representation(script_element(document), "text/html; charset=utf-8", variant=variant, vary=vary)
    response = representation(json_text(document), JSONLD, variant=variant, vary=vary)
    response.headers["Link"] = f'<{site.local_url(iri)}>; rel="describes"'
    return response
