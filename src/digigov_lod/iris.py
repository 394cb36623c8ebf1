"""The one place that knows the dataset's IRI patterns.

Things are named ``{base}id/{kind}/{slug}``, the documents about them ``{base}doc/{kind}/{slug}``,
and the own vocabulary lives under ``{base}def/``. Data files are written against the canonical
base; a deployment with another base rewrites them at load time (see :func:`rebase`).
"""

from __future__ import annotations

import re
import unicodedata

CANONICAL_BASE = "https://w3id.org/digigov-lod/"
THING_SEGMENT = "id/"
DOC_SEGMENT = "doc/"
VOCAB_SEGMENT = "def/"

_SLUG_PATH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")
_VOCAB_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TRANSLITERATION = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "a", "Ä": "a", "Ö": "o"})


def slugify(text: str) -> str:
    """Lower-case ASCII slug: å, ä → a; ö → o; other accents dropped; runs of other chars → '-'."""
    text = text.translate(_TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalise_base(base: str) -> str:
    """A base IRI always ends with a slash so that paths can be appended."""
    if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", base):
        raise ValueError(f"base IRI must be an absolute http(s) IRI, got {base!r}")
    return base if base.endswith("/") else base + "/"


def rebase(iri: str, base: str) -> str:
    """Map an IRI written against the canonical base onto the configured base."""
    if base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
        return base + iri[len(CANONICAL_BASE) :]
    return iri


def unrebase(iri: str, base: str) -> str:
    """Inverse of :func:`rebase`: the IRI as the source files write it."""
    if base != CANONICAL_BASE and iri.startswith(base):
        return CANONICAL_BASE + iri[len(base) :]
    return iri


def local_path(iri: str, base: str) -> str | None:
    """The path of ``iri`` below ``base`` (``id/person/x``), or None for a foreign IRI."""
    return iri[len(base) :] if iri.startswith(base) else None


def is_dereferenceable_path(path: str) -> bool:
    """True for ``id/{kind}/{slug}`` and ``def/{Term}`` paths: those have a document."""
    if path.startswith(THING_SEGMENT):
        return bool(_SLUG_PATH.match(path[len(THING_SEGMENT) :]))
    if path.startswith(VOCAB_SEGMENT):
        rest = path[len(VOCAB_SEGMENT) :]
        return rest == "" or bool(_VOCAB_PATH.match(rest))
    return False


def doc_path_for(resource_path: str) -> str:
    """``id/person/x`` → ``doc/person/x``; ``def/Term`` → ``doc/def/Term``; ``def/`` → ``doc/def``."""
    if resource_path.startswith(THING_SEGMENT):
        return DOC_SEGMENT + resource_path[len(THING_SEGMENT) :]
    return DOC_SEGMENT + resource_path.rstrip("/")


def resource_path_for(doc_path: str) -> str:
    """Inverse of :func:`doc_path_for`."""
    rest = doc_path[len(DOC_SEGMENT) :]
    if rest == "def":
        return VOCAB_SEGMENT
    if rest.startswith(VOCAB_SEGMENT):
        return rest
    return THING_SEGMENT + rest


#: The kinds of things the data names (the ``{kind}`` in ``id/{kind}/{slug}``).
KINDS = (
    "event", "person", "organization", "place", "role", "position", "claim", "topic", "work",
    "contact", "address", "question",
)  # fmt: skip


def things_namespace(base: str) -> str:
    """``{base}id/``: everything below it is a thing of the dataset."""
    return base + THING_SEGMENT


def kind_namespace(base: str, kind: str) -> str:
    """``{base}id/{kind}/``: the namespace of one kind of thing."""
    return f"{base}{THING_SEGMENT}{kind}/"


def thing_iri(base: str, kind: str, slug: str) -> str:
    """The IRI of a thing of the given kind."""
    return kind_namespace(base, kind) + slug
