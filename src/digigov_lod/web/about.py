"""About the site and whom to contact, built from the publisher's own data in the graph.

The publisher is the catalog's ``dct:publisher`` (Sambruk); its name, description, address and contact
point (``schema:contactPoint``) come from the released data (the publisher's neighbourhood in the store),
so the page changes with the data.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from rdflib import Graph, URIRef

from ..describe import label
from ..formats import HTML
from ..iris import thing_iri
from ..namespaces import SCHEMA
from .i18n import reader_language
from .rdf_view import literals_in_language, node_view
from .responses import representation
from .site import current_site

blueprint = Blueprint("about", __name__)
PUBLISHER = ("organization", "sambruk")


def publisher(graph: Graph, base: str, lang: str) -> dict[str, Any]:
    """What the graph says about the publisher and its contact point, for the pages to show."""
    org = URIRef(thing_iri(base, *PUBLISHER))
    contacts = []
    for contact in graph.objects(org, SCHEMA.contactPoint):
        contacts.append(
            {
                "link": node_view(contact, lang, graph),
                "kind": literals_in_language(graph, contact, SCHEMA.contactType, lang),
                "description": literals_in_language(graph, contact, SCHEMA.description, lang),
                "email": [str(v) for v in graph.objects(contact, SCHEMA.email)],
                "telephone": [str(v) for v in graph.objects(contact, SCHEMA.telephone)],
            }
        )
    addresses = []
    for address in graph.objects(org, SCHEMA.address):
        parts = [SCHEMA.streetAddress, SCHEMA.postalCode, SCHEMA.addressLocality]
        addresses.append(", ".join(str(v) for p in parts for v in graph.objects(address, p)))
    return {
        "link": node_view(org, lang, graph),
        "name": label(graph, org, lang) or "",
        "description": literals_in_language(graph, org, SCHEMA.description, lang),
        "contacts": contacts,
        "addresses": [a for a in addresses if a],
    }


def _page(template: str, variant: str) -> Response:
    site = current_site()
    lang = reader_language()
    digg = URIRef(thing_iri(site.base, "organization", "digg"))
    body = render_template(
        template,
        lang=lang,
        publisher=publisher(site.store.neighbourhood(thing_iri(site.base, *PUBLISHER)), site.base, lang),
        digg=node_view(digg, lang, site.store.labels([digg])),
        release=site.release,
    )
    return representation(body, HTML, variant=variant, vary=None)


@blueprint.route("/about")
def about() -> Response:
    return _page("about.html", "about-")


@blueprint.route("/accessibility")
def accessibility() -> Response:
    """The accessibility statement (tillgänglighetsredogörelse) that Swedish public-sector sites publish."""
    return _page("accessibility.html", "accessibility-")
