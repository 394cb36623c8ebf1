"""The landing page: what the dataset is, in Swedish and English, and where to go next."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..formats import HTML
from ..sparql.examples import load_examples
from .i18n import reader_language
from .responses import representation
from .site import current_site

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def landing() -> Response:
    site = current_site()
    lang = reader_language()
    body = render_template(
        "home.html",
        lang=lang,
        release=site.release,
        examples=load_examples(),
        dumps=[f for f in site.release.files() if f.role == "dump"],
        base=site.base,
    )
    response = representation(body, HTML, variant=f"home-{lang}-", vary="Accept-Language")
    response.headers["Content-Language"] = lang
    return response
