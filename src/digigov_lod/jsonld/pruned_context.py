"""The part of the schema.org context one document needs, for compacting it quickly to the same result.

PyLD compacts each IRI by looking through every term of the active context: with schema.org's 3,000
terms that was most of a resource page's time (0.3 s of the report's page, which names 400 IRIs).
Compaction only ever chooses among the terms that map to an IRI of the document, the prefixes, the
keyword aliases and ``@vocab``, and it checks that no other term has the name a vocabulary-relative IRI
would take. So a context holding those terms, and every term named like the end of a document IRI,
compacts the document to exactly what the whole context gives (``tests/test_jsonld_pruned_context.py``
holds every snippet of the release to that).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .loader import schemaorg_context


@dataclass(frozen=True)
class _Terms:
    definitions: dict[str, Any]  # the whole context: term → its definition
    always: dict[str, Any]  # prefixes, keyword aliases and @vocab: a few dozen, kept in every pruned context
    by_iri: dict[str, tuple[str, ...]]  # expanded IRI → the terms that map to it
    namespaces: tuple[str, ...]  # the IRIs a term name can be the rest of (prefixes and @vocab)


@cache
def _terms() -> _Terms:
    """The shipped schema.org context, indexed once (a file of the package, never of a release)."""
    definitions: dict[str, Any] = schemaorg_context()["@context"]
    always = {term: value for term, value in definitions.items() if not isinstance(value, dict)}
    by_iri: dict[str, list[str]] = {}
    for term, value in definitions.items():
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            by_iri.setdefault(_expand(value["@id"], always), []).append(term)
    namespaces = tuple(v for k, v in always.items() if k != "@language" and isinstance(v, str) and v[:1] != "@")
    return _Terms(definitions, always, {iri: tuple(terms) for iri, terms in by_iri.items()}, namespaces)


def _expand(compact: str, prefixes: dict[str, Any]) -> str:
    prefix, colon, local = compact.partition(":")
    found = prefixes.get(prefix)
    return found + local if colon and isinstance(found, str) and not local.startswith("//") else compact


def document_iris(value: Any) -> Iterator[str]:
    """Every IRI an expanded JSON-LD document names: properties, types, node and datatype IRIs."""
    if isinstance(value, list):
        for item in value:
            yield from document_iris(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                yield key
            if key in ("@id", "@type"):
                yield from [item] if isinstance(item, str) else item
            else:
                yield from document_iris(item)


def pruned_schemaorg_context(iris: Iterable[str]) -> dict[str, Any]:
    """The schema.org context cut down to what compacting a document naming ``iris`` can use."""
    terms = _terms()
    kept = dict(terms.always)
    for iri in set(iris):
        for term in terms.by_iri.get(iri, ()):
            kept[term] = terms.definitions[term]
        for namespace in terms.namespaces:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest in terms.definitions:
                kept[rest] = terms.definitions[rest]
    return kept
