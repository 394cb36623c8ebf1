"""What one running site serves: the settings, the release and the store that reads it.

Built once per release by :func:`create_app` and shared by every blueprint through :func:`current_site`.
Everything kept per release lives here or in the store, so a new release never answers with an old
one's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime

from flask import current_app, request

from ..config import Settings
from ..release import Release
from ..sparql.store import Store


@dataclass
class Site:
    settings: Settings
    release: Release
    store: Store  # the one way the site reads the release: queries, page helpers, files, sizes
    code_version: str = ""  # fingerprint of the software, so that new code never answers 304 to old pages

    @property
    def base(self) -> str:
        """The dataset's base IRI, as published in the release."""
        return self.release.base_iri

    @property
    def etag(self) -> str:
        """Strong validator shared by every response derived from these release files and this code."""
        release = f"{self.release.version}-{self.release.fingerprint}"
        return f"{release}-{self.code_version}" if self.code_version else release

    @property
    def last_modified(self) -> str:
        return format_datetime(self.release.created, usegmt=True)

    def local_url(self, iri: str) -> str:
        """The URL on this server for an IRI under the base (so IRIs work on localhost too)."""
        if iri.startswith(self.base):
            return request.host_url + iri[len(self.base) :]
        return iri

    def iri_for_local_path(self, path: str) -> str:
        """The dataset IRI for a path on this server (``id/person/x`` → ``{base}id/person/x``)."""
        return self.base + path.lstrip("/")


def current_site() -> Site:
    return current_app.extensions["digigov"]
