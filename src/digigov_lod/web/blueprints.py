"""The list of blueprints the app registers: one per area of the site."""

from __future__ import annotations

from flask import Blueprint

from .about import blueprint as about
from .browse import blueprint as browse
from .catalog import blueprint as catalog
from .downloads import blueprint as downloads
from .embed import blueprint as embed
from .home import blueprint as home
from .i18n import blueprint as language
from .pictures import blueprint as pictures
from .programme import blueprint as programme
from .resources import blueprint as resources
from .sparql_views import blueprint as sparql
from .vocabulary import blueprint as vocabulary

ALL: list[Blueprint] = [
    language,
    home,
    programme,
    browse,
    pictures,
    about,
    sparql,
    vocabulary,
    resources,
    downloads,
    catalog,
    embed,
]
