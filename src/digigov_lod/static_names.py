"""Where a URL of the live site lives in a static export: one file per representation.

A static host cannot negotiate or read ``?lang=``, so every representation gets a file name of its
own, made from the URL and the answer's media type:

* the language goes into the name before the extension (``doc/event/x.sv.html``, ``programme.en.html``);
* a negotiated URL gets the extension of the format answered (``catalog.ttl``, ``sparql/examples/01.csv``);
* a URL that ends in ``/`` is ``index`` in that folder (``browse/index.sv.html``);
* any other query string is hashed into the name (``sparql/q-3f2a….csv`` for a query link).

Pages link to these files directly, so the export works on any static host; the generated nginx and
Apache configurations map the live site's addresses (``/doc/x`` with ``Accept``) onto the same files.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from .formats import HTML, JSON, JSONLD, NQUADS, NTRIPLES, RDFXML, RESULT_FORMATS, TURTLE

LANGUAGES = ("sv", "en")

#: The file extension of every media type the site answers with.
EXTENSIONS: dict[str, str] = {
    **{fmt.media_type: fmt.extension for fmt in (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, NQUADS, *RESULT_FORMATS)},
    JSON.media_type: "json",
    "application/xml": "xml",
    "text/plain": "txt",
    "image/svg+xml": "svg",
    "text/css": "css",
    "text/javascript": "js",
    "application/javascript": "js",
    "application/gzip": "gz",
}
#: The media type a static server should send for each extension (the inverse of EXTENSIONS).
MEDIA_TYPES: dict[str, str] = {ext: media for media, ext in EXTENSIONS.items() if media != "application/javascript"}
#: Query parameters that only choose a format: their value is already in the file's extension.
FORMAT_PARAMETERS = frozenset({"format", "output", "download"})


def extension_of(media_type: str) -> str:
    """The extension for an answer's media type (parameters such as charset ignored)."""
    bare = media_type.split(";")[0].strip().lower()
    try:
        return EXTENSIONS[bare]
    except KeyError:
        raise ValueError(f"no file extension known for media type {bare!r}") from None


def file_name(path: str, query: list[tuple[str, str]], media_type: str, lang: str | None) -> str:
    """The file (relative to the export's root) holding the answer to ``path?query``.

    ``lang`` is the answer's language when it depends on one (pages, embeds, pictures), else None."""
    stem = path.lstrip("/")
    if stem == "" or stem.endswith("/"):
        stem += "index"
    extension = extension_of(media_type)
    if stem.rsplit("/", 1)[-1].endswith(f".{extension}"):  # /doc/x.ttl, /sitemap.xml: the suffix already says it
        stem = stem[: -len(extension) - 1]
    other = [(key, value) for key, value in query if key != "lang" and key not in FORMAT_PARAMETERS]
    if other:
        digest = hashlib.sha256(urlencode(other).encode()).hexdigest()[:16]
        stem = f"{stem}/q-{digest}"
    return f"{stem}.{lang}.{extension}" if lang else f"{stem}.{extension}"
