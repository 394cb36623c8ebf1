"""The reader's language (sv or en) and the few interface strings the templates need."""

from __future__ import annotations

from flask import request

LANGUAGES = ("sv", "en")


def reader_language() -> str:
    """``?lang=`` wins, then the best match in Accept-Language; Swedish by default."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or "sv"
