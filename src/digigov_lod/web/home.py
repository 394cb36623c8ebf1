"""The landing page: what the dataset is, in Swedish and English, and where to go next."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from ..formats import HTML, RDFXML, TURTLE
from ..jsonld import script_element
from ..metadata.schema_dataset import release_dataset_jsonld
from ..sparql.examples import load_examples
from .browse import counts
from .i18n import reader_language
from .pictures import network, network_links
from .programme import programme
from .responses import representation
from .site import current_site

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def landing() -> Response:
    site = current_site()
    lang = reader_language()
    dataset = release_dataset_jsonld(site.release.path, site.base, site.release.version)
    body = render_template(
        "home.html",
        lang=lang,
        release=site.release,
        examples=load_examples(),
        dumps=[f for f in site.release.files() if f.role == "dump"],
        base=site.base,
        indexes=counts(site.graph, site.base),
        days=programme(site.graph, site.base, lang),
        network=network_links(network(site.graph, site.base, lang)),
        dataset_script=Markup(script_element(dataset)),
    )
    response = representation(body, HTML, variant=f"home-{lang}-", vary="Accept-Language")
    response.headers["Link"] = ", ".join(
        [f'</catalog>; rel="alternate"; type="{fmt.media_type}"; title="DCAT"' for fmt in (RDFXML, TURTLE)]
        + ['</.well-known/void>; rel="describedby"; type="text/turtle"', '</sparql>; rel="service"']
    )
    return response
