"""The reader's language (sv or en), and keeping the reader's choice from page to page.

The switch in the header links to the same page with ``?lang=``; the answer to such a request sets a
``lang`` cookie, so the next link, a query submitted from the editor and the results all stay in the
chosen language. Pages whose language can come from the cookie say ``Vary: Cookie`` (next to
Accept-Language). The replaying front (:mod:`.response_cache`, :mod:`.asgi`) never answers a request
that carries a cookie and never keeps an answer to one, so a replayed page is always one made
without a cookie; choosing the language the browser asks for anyway removes the cookie again, which
puts the reader back on the replayed fast path.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

LANGUAGES = ("sv", "en")
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600

blueprint = Blueprint("language", __name__)


def reader_language() -> str:
    """``?lang=`` wins, then the reader's earlier choice (the cookie), then Accept-Language; Swedish by default."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return browser_language()


def browser_language() -> str:
    return request.accept_languages.best_match(LANGUAGES) or "sv"


@blueprint.after_app_request
def remember_choice(response: Response) -> Response:
    """Keep an explicit ``?lang=`` as a cookie; say that language-dependent answers vary on it."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked and response.mimetype == "text/html":
        if asked == browser_language():  # the browser's own choice needs no cookie
            if COOKIE in request.cookies:
                response.delete_cookie(COOKIE, path="/", samesite="Lax")
        else:
            response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, path="/", samesite="Lax", httponly=True)
    if "Accept-Language" in response.vary:
        response.vary.add("Cookie")
    return response
