"""``digigov-lod export DIR --url URL``: the whole site as static files for any web server or CDN.

The export asks the application itself, through its public surface (the Flask app's URLs with chosen
``Accept`` and ``Accept-Language`` headers), so it serves exactly what the live site serves. It
starts at the start page, the sitemap and a few fixed addresses, follows every internal link of
every page in Swedish and English, and asks every negotiated address (its answer says ``Vary:
Accept``) for each format the site knows. Each answer becomes a file named by
:mod:`.static_names`; pages are rewritten (:mod:`.static_links`) so that their links point at those
files under ``--url``. Redirects (``/id/…`` → ``/doc/…``) are followed in links and written into
the server configuration (:mod:`.static_server`) together with the negotiation.

Without a SPARQL endpoint, each query link of a page (the example queries and their results in
every format, the vocabulary's ready-made queries) becomes a file holding its answer; with
``--sparql URL`` those links and the query forms point at that endpoint instead.
"""

from __future__ import annotations

import shutil
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask
from werkzeug.test import TestResponse

from .config import Settings
from .formats import HTML, RDF_FORMATS, RESULT_FORMATS
from .sparql.dataset import NAMED_GRAPHS
from .static_links import Link, links, rewrite
from .static_names import LANGUAGES, extension_of, file_name
from .static_server import Negotiated, StaticSite, write_server_configuration
from .web import create_app

#: What a browser sends for a link it follows.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Formats a negotiated address is asked for, one request each.
NEGOTIATED_TYPES = (*(f.media_type for f in (HTML, *RDF_FORMATS, *RESULT_FORMATS)), "application/json")
#: Addresses no page links to but the live site serves: harvesters and scripts ask for them.
SEEDS = ("/", "/sitemap.xml", "/robots.txt", "/vocabulary.json", "/sparql/examples", "/download/", "/catalog")
#: Where a 404 page for the static host comes from (any address the site does not have).
MISSING_PAGE = "/404"


class ExportFailed(Exception):
    """The site answered an internal link with an error: the export would have a broken link."""


@dataclass(frozen=True)
class Request:
    """One request the export makes: path, query (without ``lang``), ``Accept`` and language."""

    path: str
    query: tuple[tuple[str, str], ...]
    accept: str
    lang: str

    @property
    def url(self) -> str:
        return self.path + ("?" + urlencode(self.query) if self.query else "")


@dataclass
class Crawl:
    """What the crawl found: the file for each request, redirects, negotiated addresses and pages."""

    files: dict[Request, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # path → path it 303s to
    negotiated: dict[str, Negotiated] = field(default_factory=dict)
    pages: dict[str, tuple[Request, str]] = field(default_factory=dict)  # file → (request, HTML before rewriting)
    failures: list[str] = field(default_factory=list)
    language_free: set[tuple[str, tuple[tuple[str, str], ...], str]] = field(default_factory=set)


@dataclass(frozen=True)
class Target:
    """Where the export will be served: ``--url`` split into origin and path prefix."""

    origin: str  # https://example.org
    prefix: str  # /digigov/ (always with slashes at both ends)
    sparql: str | None  # a live SPARQL endpoint for query links and forms

    @classmethod
    def parse(cls, url: str, sparql: str | None = None) -> Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"--url must be an http(s) URL without query or fragment, got {url!r}")
        prefix = parts.path if parts.path.endswith("/") else parts.path + "/"
        if sparql is not None and urlsplit(sparql).scheme not in ("http", "https"):
            raise ValueError(f"--sparql must be an http(s) URL, got {sparql!r}")
        return cls(f"{parts.scheme}://{parts.netloc}", prefix, sparql)

    @property
    def url(self) -> str:
        return self.origin + self.prefix


class Exporter:
    """Crawls one app and writes its answers under ``out``."""

    def __init__(self, app: Flask, out: Path, target: Target, progress: Callable[[str], None]) -> None:
        self.client = app.test_client(use_cookies=False)
        self.out = out
        self.target = target
        self.progress = progress
        self.crawl = Crawl()
        self.queue: deque[Request] = deque()
        self.seen: set[Request] = set()
        self.optional: set[Request] = set()  # asked for in case they exist: a refusal is no broken link

    # -- crawling ---------------------------------------------------------------------------------

    def enqueue(
        self, path: str, query: tuple[tuple[str, str], ...], accept: str, lang: str, optional: bool = False
    ) -> None:
        request = Request(path, tuple((k, v) for k, v in query if k != "lang"), accept, lang)
        key = (request.path, request.query, request.accept)
        if key in self.crawl.language_free:
            request = Request(request.path, request.query, accept, LANGUAGES[0])
        if request in self.seen:
            if not optional:
                self.optional.discard(request)  # someone links to it after all
            return
        self.seen.add(request)
        self.queue.append(request)
        if optional:
            self.optional.add(request)

    def fetch(self, request: Request) -> TestResponse:
        return self.client.get(
            request.path,
            query_string=list(request.query),
            headers={"Accept": request.accept, "Accept-Language": request.lang},
            base_url=self.target.origin + "/",
        )

    def run(self) -> None:
        for lang in LANGUAGES:
            for path in SEEDS:
                self.enqueue(path, (), BROWSER_ACCEPT, lang)
        for graph in NAMED_GRAPHS:
            self.enqueue(f"/graph/{graph.name}", (), BROWSER_ACCEPT, LANGUAGES[0])
        while self.queue:
            self.visit(self.queue.popleft())
            if len(self.seen) % 500 == 0:
                self.progress(f"{len(self.seen)} requests, {len(self.queue)} to go")
        self.missing_page()

    def visit(self, request: Request) -> None:
        response = self.fetch(request)
        if response.status_code in (301, 302, 303, 307, 308):
            location = urlsplit(urljoin(self.target.origin + request.path, response.headers["Location"]))
            self.crawl.redirects[request.path] = location.path
            self.enqueue(location.path, tuple(parse_qsl(location.query)), request.accept, request.lang)
            return
        if response.status_code != 200:
            if request in self.optional:
                return
            self.crawl.failures.append(f"{request.url} (Accept: {request.accept}): {response.status_code}")
            return
        lang = self.language(request, response)
        if lang is None:
            self.crawl.language_free.add((request.path, request.query, request.accept))
        name = file_name(request.path, list(request.query), response.mimetype, lang)
        self.crawl.files[request] = name
        if response.mimetype == HTML.media_type:
            page = response.get_data(as_text=True)
            self.crawl.pages[name] = (request, page)
            self.follow(request, page)
        else:
            self.write(name, self.adapt_text(response))
        if not request.query and "Accept" in response.vary and request.accept == BROWSER_ACCEPT:
            self.negotiate(request, response)
        if request.path == "/sitemap.xml":
            self.follow_sitemap(response.get_data(as_text=True), request.lang)

    @staticmethod
    def language(request: Request, response: TestResponse) -> str | None:
        """The answer's language if it depends on one (pages, embeds, pictures), else None."""
        if response.mimetype == HTML.media_type or "Accept-Language" in response.vary:
            return request.lang
        return None

    def negotiate(self, request: Request, response: TestResponse) -> None:
        """Ask a negotiated address for every format, and what it answers when anything goes."""
        default = self.fetch(Request(request.path, (), "*/*", request.lang))
        vary = {h for h in response.vary if h != "Accept-Encoding"}
        self.crawl.negotiated.setdefault(
            request.path, Negotiated(request.path, extension_of(default.mimetype), ", ".join(sorted(vary)))
        )
        for media_type in NEGOTIATED_TYPES:
            if media_type != response.mimetype:  # that one is the answer to the browser's request
                self.enqueue(request.path, (), media_type, request.lang, optional=True)

    def follow(self, request: Request, page: str) -> None:
        for link in links(page):
            internal = self.internal(request.path, link.target)
            if internal is None or (self.target.sparql and internal[0] == "/sparql" and internal[1]):
                continue
            path, query = internal
            if path == MISSING_PAGE:  # the 404 page's own language switch: its file is written below
                continue
            lang = dict(query).get("lang", request.lang)
            self.enqueue(path, query, self.accept_for(link), lang if lang in LANGUAGES else request.lang)

    def follow_sitemap(self, text: str, lang: str) -> None:
        for location in text.split("<loc>")[1:]:
            internal = self.internal("/", location.split("</loc>", 1)[0].strip())
            if internal is not None:
                self.enqueue(internal[0], internal[1], BROWSER_ACCEPT, lang)

    @staticmethod
    def accept_for(link: Link) -> str:
        if link.media_type:
            return link.media_type
        return BROWSER_ACCEPT if link.tag == "a" or link.attribute == "action" else "*/*"

    def internal(self, base_path: str, target: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        """Path and query of a link to this site, or None for other sites, mailto: and fragments."""
        if target.startswith("#"):
            return None
        absolute = urljoin(self.target.origin + base_path, target)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != self.target.origin:
            return None
        return parts.path or "/", tuple(parse_qsl(parts.query, keep_blank_values=True))

    def missing_page(self) -> None:
        """The site's own 404 page, for the static server to answer unknown addresses with."""
        for lang in LANGUAGES:
            request = Request(MISSING_PAGE, (), BROWSER_ACCEPT, lang)
            response = self.fetch(request)
            name = f"404.{lang}.html"
            self.crawl.files[request] = name
            self.crawl.pages[name] = (request, response.get_data(as_text=True))
            self.follow(request, self.crawl.pages[name][1])
        while self.queue:  # what only the 404 page links to
            self.visit(self.queue.popleft())

    # -- writing ----------------------------------------------------------------------------------

    def write(self, name: str, body: bytes) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    def adapt_text(self, response: TestResponse) -> bytes:
        """Sitemap, robots.txt and listings name the serving host: put the export's URL there."""
        body = response.get_data()
        if self.target.prefix == "/" or response.mimetype not in ("application/xml", "text/plain", "application/json"):
            return body
        return body.replace(f"{self.target.origin}/".encode(), self.target.url.encode())

    def resolve(self, page: Request, link: Link) -> str | None:
        """The new target of a link in a page: the export's file for it, under ``--url``."""
        internal = self.internal(page.path, link.target)
        if internal is None:
            return None
        path, query = internal
        fragment = urlsplit(link.target).fragment
        if self.target.sparql and path == "/sparql" and (query or link.attribute == "action"):
            return self.target.sparql + ("?" + urlencode(query) if query else "")
        lang = dict(query).get("lang", page.lang)
        for _ in range(5):  # follow redirects, as the browser would
            if path not in self.crawl.redirects:
                break
            path = self.crawl.redirects[path]
        request = Request(path, tuple((k, v) for k, v in query if k != "lang"), self.accept_for(link), lang)
        name = next(
            (
                self.crawl.files[candidate]
                for accept in (request.accept, *([BROWSER_ACCEPT] if request.accept == HTML.media_type else []))
                for candidate in (
                    Request(path, request.query, accept, lang),
                    Request(path, request.query, accept, "sv"),
                )
                if candidate in self.crawl.files
            ),
            None,
        )
        if name is None:
            self.crawl.failures.append(f"{link.target} (linked from {page.url}): not exported")
            return None
        return self.target.prefix + name + (f"#{fragment}" if fragment else "")

    def write_pages(self) -> None:
        for name, (request, page) in self.crawl.pages.items():
            self.write(name, rewrite(page, lambda link, request=request: self.resolve(request, link)).encode())


def export(
    settings: Settings,
    out: Path,
    url: str,
    sparql: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> StaticSite:
    """Write the site of ``settings.release_dir`` as static files under ``out``, with ``nginx.conf`` and
    ``.htaccess``; raises :class:`ExportFailed` naming every internal link that would be broken."""
    target = Target.parse(url, sparql)
    app = create_app(settings, settings.release_dir, response_cache=False)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    exporter = Exporter(app, out, target, progress)
    exporter.run()
    exporter.write_pages()
    if exporter.crawl.failures:
        shown = "\n  ".join(exporter.crawl.failures[:20])
        raise ExportFailed(f"{len(exporter.crawl.failures)} internal links would be broken:\n  {shown}")
    site = StaticSite(
        root=out.resolve(),
        url=target.url,
        prefix=target.prefix,
        redirects=exporter.crawl.redirects,
        negotiated=list(exporter.crawl.negotiated.values()),
        sparql=target.sparql,
    )
    write_server_configuration(site)
    progress(f"Exported {len(set(exporter.crawl.files.values()))} files to {out} for {target.url}")
    return site
