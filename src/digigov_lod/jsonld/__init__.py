"""JSON-LD for embedding in web pages: framed, compacted snippets made with PyLD, fully offline.

``snippet(graph, iri, Options(variant, lang))`` gives the snippet of one resource (the conference
is :func:`conference_iri`); :func:`script_element` and :func:`embed_snippet_html` turn it into HTML.
No JSON-LD document is ever fetched: :mod:`.loader` serves the shipped schema.org context and
refuses everything else.
"""

from __future__ import annotations

from .embed import (
    DEFAULT_LANGUAGE,
    EMBED,
    FULL,
    LANGUAGES,
    VARIANTS,
    NoSuchResource,
    Options,
    conference_iri,
    iter_resources,
    json_text,
    prepare,
    script_element,
    script_safe_json,
    select,
    snippet,
)
from .html import embed_snippet_html
from .loader import document_loader

__all__ = [
    "DEFAULT_LANGUAGE",
    "EMBED",
    "FULL",
    "LANGUAGES",
    "VARIANTS",
    "NoSuchResource",
    "Options",
    "conference_iri",
    "document_loader",
    "embed_snippet_html",
    "iter_resources",
    "json_text",
    "prepare",
    "script_element",
    "script_safe_json",
    "select",
    "snippet",
]
