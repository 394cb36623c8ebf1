"""The errors a client is told about: one hierarchy, each with its HTTP status and bilingual message.

Views raise these; one handler (:func:`digigov_lod.web.responses.render_error`) turns any of them,
and werkzeug's own HTTP errors, into the same short answer in the client's format. The message is a
:class:`~digigov_lod.messages.Message` (English, with its Swedish wording) and never names a server
path. An engine process sends some of them back to the web process, so they survive pickling
(``args`` holds the message; the options are plain attributes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .messages import Message, message_of

if TYPE_CHECKING:
    from .formats import Format


class PublishedError(Exception):
    """An error with an answer for the client: ``status``, the message, and headers such as Allow."""

    status: int = 500
    #: A heading of its own (both languages); None: the status's usual heading.
    title: str | None = None

    def __init__(
        self,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        suggestion: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message)
        self.headers = dict(headers or {})
        self.suggestion = suggestion  # a path on this site the reader probably meant
        if title is not None:
            self.title = title

    @property
    def message(self) -> str:
        """What the client is told (a :class:`Message` where there is a Swedish wording)."""
        return message_of(self)

    def with_headers(self, **headers: str) -> PublishedError:
        """This error with more headers (``Retry_After`` becomes ``Retry-After``), to raise again."""
        self.headers.update({name.replace("_", "-"): value for name, value in headers.items()})
        return self


class BadRequest(PublishedError):
    status = 400


class NotFound(PublishedError):
    status = 404


class MethodNotAllowed(PublishedError):
    status = 405

    def __init__(self, message: str, allowed: tuple[str, ...], **options: Any) -> None:
        super().__init__(message, **options)  # the base class's keyword options, passed on
        self.headers["Allow"] = ", ".join(allowed)


class NotAcceptable(PublishedError):
    """No offered format satisfies the client; ``asked`` is the format it named, if it named one.

    The message lists the alternatives (short names and media types)."""

    status = 406

    def __init__(self, offered: tuple[Format, ...], asked: str | None = None) -> None:
        listed = ", ".join(f.media_type for f in offered)
        if asked is None:
            message = Message(
                f"none of the offered formats is acceptable: {listed}",
                f"inget av de format som finns passar: {listed}",
            )
        else:
            keys = ", ".join(f.key for f in offered)
            message = Message(
                f"format {asked!r} is not offered here; use one of {keys} (or a media type: {listed})",
                f"formatet {asked!r} finns inte här; använd ett av {keys} (eller en mediatyp: {listed})",
            )
        super().__init__(message)
        self.offered = offered


class PayloadTooLarge(PublishedError):
    status = 413


class UnsupportedMediaType(PublishedError):
    status = 415


class Unavailable(PublishedError):
    """The service cannot answer this now (a stopped query, a busy or failed engine, a damaged release)."""

    status = 503


class ServerFault(PublishedError):
    """A fault in the server, not the request's."""

    status = 500
