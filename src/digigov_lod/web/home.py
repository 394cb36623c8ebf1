"""The landing page: what the dataset is, in Swedish and English, and where to go next."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from ..errors import Unavailable
from ..formats import HTML, RDFXML, TURTLE
from ..jsonld import script_element
from ..metadata.schema_dataset import release_dataset_jsonld
from ..sparql.engine import EngineFailure
from ..sparql.examples import load_examples
from .browse import counts
from .i18n import reader_language
from .pictures import network, network_links
from .programme import programme, programme_graph
from .responses import representation
from .site import current_site

blueprint = Blueprint("home", __name__)
log = logging.getLogger(__name__)
NOTHING_FROM_THE_DATA: dict[str, Any] = {"indexes": [], "days": [], "network": []}


@blueprint.route("/")
def landing() -> Response:
    site = current_site()
    lang = reader_language()
    dataset = release_dataset_jsonld(site.store.path("catalog.ttl").parent, site.base, site.release.version)
    from_the_data = _from_the_data(lang)
    body = render_template(
        "home.html",
        lang=lang,
        release=site.release,
        examples=load_examples(),
        dumps=site.store.files("dump"),
        base=site.base,
        **(from_the_data or NOTHING_FROM_THE_DATA),
        dataset_script=Markup(script_element(dataset)),
    )
    # without the engine for now: neither kept nor validated, so that the whole page follows once it is back
    response = representation(
        body, HTML, variant=f"home-{lang}-", vary="Accept-Language", cacheable=from_the_data is not None
    )
    response.headers["Link"] = ", ".join(
        [f'</catalog>; rel="alternate"; type="{fmt.media_type}"; title="DCAT"' for fmt in (RDFXML, TURTLE)]
        + ['</.well-known/void>; rel="describedby"; type="text/turtle"', '</sparql>; rel="service"']
    )
    return response


def _from_the_data(lang: str) -> dict[str, Any] | None:
    """The indexes, the programme and the network: none when the knowledge graph's dump is damaged (for the
    whole release), None while the query engine is busy or away (for now). The start page stays up either
    way and leads to the catalog and the intact downloads."""
    site = current_site()
    if site.store.damaged is not None:
        return NOTHING_FROM_THE_DATA
    try:
        graph = programme_graph(site)
        return {
            "indexes": counts(site),
            "days": programme(graph, site.base, lang),
            "network": network_links(network(graph, site.base, lang)),
        }
    except (Unavailable, EngineFailure) as exc:  # busy, away, or its query stopped at the time limit
        log.warning("the start page is shown without the programme and the indexes: %s", exc)
        return None
