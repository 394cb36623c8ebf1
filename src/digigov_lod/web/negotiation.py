"""Content negotiation on werkzeug's Accept parsing, with the project's aliases.

werkzeug parses ``Accept`` (q-values, wildcards, several headers, malformed ranges dropped); this
module picks among the offered formats with the project's rules: an alias media type
(``application/json`` for JSON-LD …) counts only where the client names it exactly, and ties go to
the server's order. An explicit ``format``/``output`` parameter or a file suffix wins over the
header, as users of Fuseki and Datasette expect.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..errors import NotAcceptable
from ..formats import Format, by_media_type

__all__ = ["NotAcceptable", "choose", "explicit", "parse_accept"]


def parse_accept(header: str | None) -> MIMEAccept:
    """The media ranges of an Accept header, lower-cased and without parameters (no format here
    differs by one); a missing or empty header accepts anything."""
    parsed = parse_accept_header(header, MIMEAccept)
    if not parsed.provided or not parsed:
        return MIMEAccept([("*/*", 1)])
    media = [(value.split(";")[0].strip().lower(), q) for value, q in parsed]
    return MIMEAccept([("*/*" if value == "*" else value, q) for value, q in media])  # "*": old Java clients


def _quality(media_type: str, accept: MIMEAccept) -> tuple[float, int]:
    """q of the most specific range matching ``media_type`` (0 if none), and its specificity
    (2: named exactly, 1: ``type/*``, 0: ``*/*``, -1: no range matches)."""
    main = media_type.partition("/")[0]
    for specificity, value in ((2, media_type), (1, f"{main}/*"), (0, "*/*")):
        if value in accept.values():
            return float(accept.quality(media_type)), specificity
    return 0.0, -1


def choose(accept: str | MIMEAccept | None, offered: tuple[Format, ...]) -> Format:
    """The offered format the client prefers; ties go to the server's order of ``offered``.

    ``accept`` is the header's text or werkzeug's parse of it (``request.accept_mimetypes``)."""
    ranges = parse_accept(accept.to_header() if isinstance(accept, MIMEAccept) else accept)
    scored = []
    for position, fmt in enumerate(offered):
        quality, specificity = _quality(fmt.media_type, ranges)
        for alias in fmt.aliases:  # an alias counts only where the client names it exactly
            alias_quality, alias_specificity = _quality(alias, ranges)
            if alias_specificity == 2 and (specificity < 2 or alias_quality > quality):
                quality, specificity = alias_quality, alias_specificity
        if quality > 0:
            scored.append((-quality, -specificity, position, fmt))
    if not scored:
        raise NotAcceptable(offered)
    scored.sort(key=lambda item: item[:3])
    return scored[0][3]


def explicit(value: str | None, offered: tuple[Format, ...]) -> Format | None:
    """A format named by parameter: a short key (``ttl``) or a media type; None if not given.

    Raises :class:`NotAcceptable` for a name that is not offered here.
    """
    if not value:
        return None
    name = value.strip().lower()
    for fmt in offered:  # the offered format's own key first: "xml" is RDF/XML for a CONSTRUCT
        if name in (fmt.key, fmt.extension):
            return fmt
    for fmt in offered:
        if name in fmt.names:
            return fmt
    found = by_media_type(name.split(";")[0].strip(), offered)
    if found is None:
        raise NotAcceptable(offered, asked=value.strip())
    return found
