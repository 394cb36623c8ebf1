"""Finding and rewriting the links of the site's HTML, for the static export.

The pages are made by the project's own Jinja templates, which always quote attributes with ``"``
and escape ``<``, ``>`` and ``"`` inside them, so a tag is ``<name …>`` without a ``>`` inside and
its link attributes can be read and replaced in place without reformatting the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')
LINK_ATTRIBUTES = ("href", "src", "action")


@dataclass(frozen=True)
class Link:
    """One link in a page: the tag and attribute it is in, its (unescaped) target and the media
    type the page says it points to (``type="text/turtle"``), if any."""

    tag: str
    attribute: str
    target: str
    media_type: str | None


def _links_of_tag(tag: str, attributes: str) -> Iterator[Link]:
    values = {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(" " + attributes)}
    for attribute in LINK_ATTRIBUTES:
        if attribute in values:
            yield Link(tag.lower(), attribute, values[attribute], values.get("type"))


def links(page: str) -> list[Link]:
    """Every href, src and action in the page, in document order."""
    return [link for match in _TAG.finditer(page) for link in _links_of_tag(match[1], match[2])]


def rewrite(page: str, new_target: Callable[[Link], str | None]) -> str:
    """The page with each link replaced by ``new_target(link)`` (unchanged where that is None)."""

    def tag(match: re.Match[str]) -> str:
        name, attributes = match[1], match[2]
        found = {link.attribute: link for link in _links_of_tag(name, attributes)}

        def attribute(inner: re.Match[str]) -> str:
            link = found.get(inner[1].lower())
            replaced = new_target(link) if link is not None else None
            if replaced is None:
                return inner[0]
            return f' {inner[1]}="{html.escape(replaced, quote=True)}"'

        return f"<{name}{_ATTRIBUTE.sub(attribute, ' ' + attributes)[1:]}>" if found else match[0]

    return _TAG.sub(tag, page)
