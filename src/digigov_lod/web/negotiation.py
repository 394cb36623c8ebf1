"""Content negotiation: parse ``Accept`` (q-values, wildcards, several headers) and pick a format.

An explicit ``format``/``output`` parameter or a file suffix wins over the header, as users of
Fuseki and Datasette expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats import Format, by_media_type
from ..messages import Message


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


class NotAcceptable(Exception):
    """No offered format satisfies the client; ``asked`` is the format it named, if it named one."""

    def __init__(self, offered: tuple[Format, ...], asked: str | None = None) -> None:
        listed = ", ".join(f.media_type for f in offered)
        if asked is None:
            message = Message(
                f"none of the offered formats is acceptable: {listed}",
                f"inget av de format som finns passar: {listed}",
            )
        else:
            keys = ", ".join(f.key for f in offered)
            message = Message(
                f"format {asked!r} is not offered here; use one of {keys} (or a media type: {listed})",
                f"formatet {asked!r} finns inte här; använd ett av {keys} (eller en mediatyp: {listed})",
            )
        super().__init__(message)
        self.offered = offered


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        main, _, sub = media.partition("/")
        if not sub:
            main, sub = (main, "*") if main == "*" else (main, "")
            if not sub:
                continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def _quality(media_type: str, ranges: list[MediaRange]) -> tuple[float, int]:
    """q of the most specific range matching ``media_type`` (0 if none), and its specificity."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return (best.q, best.specificity) if best else (0.0, -1)


def choose(accept: str | None, offered: tuple[Format, ...]) -> Format:
    """The offered format the client prefers; ties go to the server's order of ``offered``."""
    ranges = parse_accept(accept)
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
    fmt = by_media_type(name.split(";")[0].strip(), offered)
    if fmt is None:
        raise NotAcceptable(offered, asked=value.strip())
    return fmt
