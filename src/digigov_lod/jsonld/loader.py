"""The offline JSON-LD document loader: shipped contexts only, every other fetch refused.

PyLD would otherwise fetch ``https://schema.org`` (and anything a document names) over the
network. Every JSON-LD call in the package passes :func:`document_loader`, which serves the
schema.org context from ``resources/schemaorg/`` and raises for any other URL.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pyld.jsonld import JsonLdError

SCHEMAORG_CONTEXT_FILE = "schemaorgcontext.jsonld"

#: The URL embeds name as their context (what schema.org documents and search engines expect).
SCHEMAORG_CONTEXT_URL = "https://schema.org"

#: Every spelling of the schema.org context URL; each is answered from the shipped copy, never fetched.
SCHEMAORG_CONTEXT_URLS = frozenset(
    f"{scheme}://schema.org{path}"
    for scheme in ("http", "https")
    for path in ("", "/", "/docs/jsonldcontext.jsonld", "/docs/jsonldcontext.json")
)


class RemoteFetchRefused(JsonLdError):
    """A JSON-LD document or context that is not shipped with the package was asked for."""


@cache
def _shipped_schemaorg_context() -> dict[str, Any]:
    path = resources.files("digigov_lod") / "resources" / "schemaorg" / SCHEMAORG_CONTEXT_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def schemaorg_context() -> dict[str, Any]:
    """The shipped schema.org context document (``{"@context": {...}}``), parsed once."""
    return _shipped_schemaorg_context()


def shipped_documents() -> dict[str, dict[str, Any]]:
    """URL → document for every context the package serves itself."""
    return dict.fromkeys(SCHEMAORG_CONTEXT_URLS, schemaorg_context())


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader: the shipped context for schema.org URLs, a refusal for anything else."""
    documents = shipped_documents()
    if url in documents:
        document = documents[url]
        # "static": the document never changes, so PyLD keeps the context it resolves from it (without the tag
        # it resolves the whole schema.org context again on every call, most of a snippet's time)
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
            "tag": "static",
        }
    raise RemoteFetchRefused(
        f"refusing to fetch {url!r}: digigov-lod never loads JSON-LD documents from the network",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )


def options(**extra: Any) -> dict[str, Any]:
    """PyLD options with the offline loader (pass these to every PyLD call)."""
    return {"documentLoader": document_loader, **extra}
