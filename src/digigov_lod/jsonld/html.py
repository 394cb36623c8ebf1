"""The HTML fragment a resource page includes: the page's own JSON-LD plus a copyable snippet.

The fragment holds exactly one ``<script>`` element (the live JSON-LD, escaped so that no literal
can end it); the copy shown to the reader is the same element as *text* inside ``<pre>``, so it
is inert twice over. The copy button is wired by the site's ``/static/copy.js`` (no inline handler,
so a strict Content-Security-Policy holds): it copies the ``<pre>``'s text.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from .embed import DEFAULT_LANGUAGE, EMBED, script_element


def embed_urls(embed_path: str, variant: str = EMBED, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The JSON-LD and HTML-snippet URLs for ``/embed/{kind}/{slug}`` with the given options."""
    query = {"lang": lang} if variant == EMBED else {"variant": variant, "lang": lang}  # lang always: the
    suffix = "?" + urlencode(query)  # default follows the reader's Accept-Language, not this page
    return {"jsonld": embed_path + suffix, "html": embed_path + ".html" + suffix}


def embed_snippet_html(
    document: dict[str, Any],
    embed_path: str | None = None,
    *,
    include_live: bool = True,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """A ``<section>`` for a resource page: live JSON-LD (optional), the snippet to copy, a copy button.

    ``document`` is a snippet from :func:`digigov_lod.jsonld.snippet`; ``embed_path`` (e.g.
    ``/embed/event/digigov-2017``) adds links to the JSON-LD and the snippet.
    """
    element = script_element(document)
    sv = lang == "sv"
    title = "Bädda in på din webbsida" if sv else "Embed in your web page"
    hint = (
        "Klistra in elementet i din sidas HTML så förstår sökmotorerna vad sidan handlar om."
        if sv
        else "Paste the element into your page's HTML so that search engines understand what it is about."
    )
    copy, done = ("Kopiera", "Kopierat") if sv else ("Copy", "Copied")
    links = ""
    if embed_path:
        urls = embed_urls(embed_path, lang=lang)
        links = (
            f'<p class="embed-links"><a href="{escape(urls["jsonld"])}" type="application/ld+json">JSON-LD</a>'
            f' · <a href="{escape(urls["html"])}">HTML</a>'
            f' · <a href="{escape(embed_urls(embed_path, "full", lang)["jsonld"])}">'
            f"{'fullständig' if sv else 'full'}</a></p>"
        )
    return (
        '<section class="embed">\n'
        + (element if include_live else "")
        + f"<h2>{escape(title)}</h2>\n<p>{escape(hint)}</p>\n"
        + f'<button type="button" class="copy" data-copy-snippet data-done="{escape(done)}">'
        + f"{escape(copy)}</button>\n"
        + f"<pre><code>{escape(element)}</code></pre>\n{links}</section>\n"
    )
