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

_LEXEMES = re.compile(
    r'''(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')'''
    r"""|(?P<short>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)",
)
_WORD = r"(?<![\w:?$\-.])({})(?![\w:\-])"
_FORM = re.compile(_WORD.format("SELECT|ASK|CONSTRUCT|DESCRIBE"), re.IGNORECASE)
_UPDATE = re.compile(_WORD.format("INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH"), re.IGNORECASE)
_SERVICE = re.compile(_WORD.format("SERVICE"), re.IGNORECASE)
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
        return " " * len(match.group())

    return _LEXEMES.sub(replace, text)


def inspect(query: str) -> QueryPlan:
    """Check one query text; raise :class:`QueryRefused` with a readable reason."""
    iris: list[str] = []
    code = _blank(query, iris)
    if _SERVICE.search(code):
        raise QueryRefused(
            "SERVICE is not supported: this endpoint never fetches data from other servers. "
            "Run federated queries from your own client instead."
        )
    form = _FORM.search(code)
    update = _UPDATE.search(code)
    if update and (form is None or update.start() < form.start()):
        raise QueryRefused(f"SPARQL Update ({update.group(1).upper()}) is not allowed: this endpoint is read-only.")
    if form is None:
        raise QueryRefused("Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.")
    dataset = []
    for match in _FROM.finditer(code):
        target = match.group(1)
        index = re.fullmatch(r"<(\d+)>", target)
        if index is None:
            raise QueryRefused("FROM needs a full IRI in angle brackets here, e.g. FROM <…/graph/…>.")
        dataset.append(iris[int(index.group(1))])
    return QueryPlan(form.group(1).upper(), tuple(dataset))
