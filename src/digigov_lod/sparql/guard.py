"""Cheap lexical checks made before a query reaches the engine.

They find the query form (to negotiate a result format before running anything), refuse
SPARQL Update (the endpoint is read-only) and refuse everything that would make the server
fetch from the network on a user's behalf: ``SERVICE``, ``LOAD`` and ``FROM`` of graphs that
are not part of this dataset. Strings, IRIs and comments are blanked out first, so a keyword
inside a literal never triggers a check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..messages import Message

_LEXEMES = re.compile(
    r'''(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')'''
    r"""|(?P<short>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')"""
    # IRIREF exactly as the grammar (and the engine) reads it: any character but <>"{}|^`\ and
    # U+0000-U+0020, plus \u and \U escapes. Anything looser or stricter would let the two disagree
    # about where an IRI ends, and a '#' inside an IRI would then hide the rest of the line.
    r"|(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)"
    # A backslash outside strings and IRIs escapes one character of a prefixed name (ex:a\#b).
    r"|(?P<escape>\\.)"
    r"|(?P<comment>#[^\n\r]*)",
    re.DOTALL,
)
_WORD = r"(?<![\w:?$\-.])({})(?![\w:\-])"
_FORM = re.compile(_WORD.format("SELECT|ASK|CONSTRUCT|DESCRIBE"), re.IGNORECASE)
_UPDATE = re.compile(_WORD.format("INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH"), re.IGNORECASE)
# Stricter than _WORD on purpose: "?o .SERVICE <…>" is a keyword after a dot, so only variables
# (?service) and names (ex:service, a_service) are let through; "ex:a.service" is refused too.
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:\-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$\-.])FROM\s+(?:NAMED\s+)?(\S+)", re.IGNORECASE)


class QueryRefused(ValueError):
    """The query is not allowed here; the message says why, for the client."""


@dataclass(frozen=True)
class QueryPlan:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    dataset_iris: tuple[str, ...]  # IRIs named in FROM / FROM NAMED


def _blank(text: str, iris: list[str]) -> str:
    """Replace literals, IRIs and comments by spaces; collect the IRIs in order."""

    def replace(match: re.Match[str]) -> str:
        if match.lastgroup == "iri":
            iris.append(match.group()[1:-1])
            return f"<{len(iris) - 1}>"
        if match.lastgroup == "escape":
            return "_" * len(match.group())  # still part of a name, never a comment
        return " " * len(match.group())

    return _LEXEMES.sub(replace, text)


def inspect(query: str) -> QueryPlan:
    """Check one query text; raise :class:`QueryRefused` with a readable reason."""
    iris: list[str] = []
    code = _blank(query, iris)
    if _SERVICE.search(code):
        raise QueryRefused(
            Message(
                "SERVICE is not supported: this endpoint never fetches data from other servers. "
                "Run federated queries from your own client instead.",
                "SERVICE stöds inte: den här tjänsten hämtar aldrig data från andra servrar. "
                "Kör federerade frågor från din egen klient i stället.",
            )
        )
    form = _FORM.search(code)
    update = _UPDATE.search(code)
    if update and (form is None or update.start() < form.start()):
        verb = update.group(1).upper()
        raise QueryRefused(
            Message(
                f"SPARQL Update ({verb}) is not allowed: this endpoint is read-only.",
                f"SPARQL Update ({verb}) är inte tillåtet: tjänsten är skrivskyddad.",
            )
        )
    if form is None:
        raise QueryRefused(
            Message(
                "Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.",
                "Inte en SPARQL-fråga: den ska vara en SELECT, ASK, CONSTRUCT eller DESCRIBE.",
            )
        )
    dataset = []
    for match in _FROM.finditer(code):
        target = match.group(1)
        index = re.fullmatch(r"<(\d+)>", target)
        if index is None:
            raise QueryRefused(
                Message(
                    "FROM needs a full IRI in angle brackets here, e.g. FROM <…/graph/…>.",
                    "FROM behöver här en hel IRI inom vinkelparenteser, t.ex. FROM <…/graph/…>.",
                )
            )
        dataset.append(iris[int(index.group(1))])
    return QueryPlan(form.group(1).upper(), tuple(dataset))
