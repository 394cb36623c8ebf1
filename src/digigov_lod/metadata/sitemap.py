"""``sitemap.xml`` (every resource page, the landing page and the catalog) and ``robots.txt``.

Resource pages are ``{base}doc/…`` for every subject IRI of the graph under ``{base}id/`` and
``{base}def/`` that has a document (see :mod:`digigov_lod.iris`).
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ..iris import doc_path_for, is_dereferenceable_path, local_path
from .statistics import GraphStatistics


def page_urls(statistics: GraphStatistics, base: str) -> list[str]:
    """The document URL of every dereferenceable subject of the graph, sorted."""
    pages = set()
    for subject in statistics.iri_subjects():
        path = local_path(subject, base)
        if path is not None and is_dereferenceable_path(path):
            pages.add(base + doc_path_for(path))
    return sorted(pages)


def sitemap_xml(statistics: GraphStatistics, base: str, created: str) -> bytes:
    """A sitemap (sitemaps.org 0.9) with the landing page, the catalog and every resource page."""
    lastmod = created[:10]
    urls = [base, f"{base}catalog", *page_urls(statistics, base)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in urls:
        lines.append(f"  <url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(base: str) -> bytes:
    """Crawlers may read everything but the query endpoint; the sitemap lists the pages."""
    path = urlsplit(base).path or "/"
    return (f"User-agent: *\nDisallow: {path}sparql?\nAllow: {path}\n\nSitemap: {base}sitemap.xml\n").encode()
