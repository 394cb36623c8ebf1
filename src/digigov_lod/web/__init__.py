"""The Flask application that serves one release read-only.

``create_app`` builds a :class:`~digigov_lod.web.site.Site` for the release and registers one
blueprint per area of the site.

The release is checked against its manifest when the app is made (every file's SHA-256) and each
file again before it is used whenever it changed on disk. A damaged file is never served: its
download, and whatever is made from it, answers 503 with a readable message; the rest of the site
goes on. A damaged knowledge graph dump cannot be read at all: then the pages about things, the
embeds and the SPARQL endpoint answer 503, while the start page, the catalog and the intact
downloads stay available.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request

from .. import __version__
from ..config import Settings, from_environment
from ..release import DamagedFile, Release
from ..sparql.dataset import NAMED_GRAPHS
from ..sparql.store import Store
from .i18n import reader_language
from .response_cache import ResponseCache
from .responses import add_common_headers, install_error_handler
from .site import Site, current_site

#: Blueprints that answer from the knowledge graph (the SPARQL one through its labels). When its dump is
#: damaged they would render empty pages as if whole, so they answer 503 instead; the start
#: page, the catalog and the downloads stay up.
GRAPH_BLUEPRINTS = frozenset({"resources", "embed", "sparql", "programme", "browse", "pictures", "vocabulary", "about"})
#: Release files a blueprint reads on (almost) every request, checked before each request reaches it.
#: The SPARQL engines load theirs whenever one starts, so a file damaged later stops the endpoint too.
FILES_READ = {"sparql": tuple(g.source_file for g in NAMED_GRAPHS), "home": ("catalog.ttl",)}


def create_app(settings: Settings | None = None, release_dir: Path | None = None, response_cache: bool = True) -> Flask:
    """The application for the release in ``release_dir`` (default: the settings' release folder).

    ``response_cache=False`` leaves replaying answers to whoever runs the app (see :mod:`.asgi`)."""
    settings = settings or from_environment()
    release = Release.open(release_dir or settings.release_dir)
    release.verify()  # logs each damaged file once
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider has it; the base class it is typed as has not
    app.config["MAX_CONTENT_LENGTH"] = max_request_bytes(settings)
    site = Site(settings=settings, release=release, store=Store(release, settings), code_version=code_fingerprint())
    app.extensions["digigov"] = site

    from . import blueprints

    for blueprint in blueprints.ALL:
        app.register_blueprint(blueprint)

    app.before_request(refuse_damaged_sources)
    app.after_request(add_common_headers)
    app.jinja_env.globals["t"] = lambda sv, en: sv if reader_language() == "sv" else en
    app.jinja_env.globals["release_version"] = release.version
    app.jinja_env.globals["url_with"] = url_with

    install_error_handler(app)  # also for the paths no blueprint answers

    if response_cache:
        app.wsgi_app = ResponseCache(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
    return app


def refuse_damaged_sources() -> None:
    """Raise :class:`DamagedFile` (a 503) before a view that would read a damaged file runs."""
    site = current_site()
    if site.store.damaged is not None and request.blueprint in GRAPH_BLUEPRINTS:
        damaged = site.store.damaged  # raised afresh each time: raising one instance again grows its traceback
        raise DamagedFile(damaged.name, damaged.reason)
    for name in FILES_READ.get(request.blueprint or "", ()):
        site.store.path(name)  # raises DamagedFile: a 503


def max_request_bytes(settings: Settings) -> int:
    """The largest request body taken: room for the longest query, form-encoded."""
    return settings.max_query_bytes * 4


def code_fingerprint() -> str:
    """A short hash of the package's code, templates and shipped files."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".ttl", ".json", ".jsonld", ".rq"):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def url_with(**changes: str | None) -> str:
    """This page's URL with some query parameters changed (None removes one): keeps the query
    of a results page when the reader switches language or format."""
    args = request.args.to_dict(flat=False)
    if request.method == "POST":  # a POSTed query: the links become GETs that carry it
        args.update(request.form.to_dict(flat=False))
        if request.mimetype == "application/sparql-query":
            args["query"] = [request.get_data(as_text=True)]
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return request.path + ("?" + urlencode(args, doseq=True) if args else "")


def create_app_from_environment() -> Flask:
    """Entry point for any WSGI server, e.g. ``gunicorn -k gthread 'digigov_lod.web:create_app_from_environment()'``
    (production uses :func:`digigov_lod.web.asgi.create_asgi_app_from_environment`)."""
    return create_app(from_environment())
