"""Cheap lexical checks made before a query reaches the engine.

They find the query form (to negotiate a result format before running anything), refuse
SPARQL Update (the endpoint is read-only), refuse everything that would make the server
fetch from the network on a user's behalf (``SERVICE``), and refuse queries nested or chained
so deeply that the engine's recursive parser would overflow its stack. Strings, IRIs and
comments are blanked out first, so a keyword inside a literal never triggers a check.

The engine's parser is a PEG without a separate lexer: it matches keywords as prefixes, so it
reads ``1SERVICE`` as the number 1 and a SERVICE clause, ``trueservice:x`` as ``true`` and
``SERVICE :x`` when the prefix is undeclared, and falls back from ``ex:SERVICE`` to ``ex:`` and
a SERVICE clause when the namespace joined with the local name is not a valid IRI. So the guard
does not look for SERVICE as a word: it refuses the letters S-E-R-V-I-C-E anywhere in the query
except inside the few tokens the engine is certain to read whole (see :func:`_hidden_names`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import BadRequest
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
_FROM = re.compile(r"(?<![\w:?$\-.])FROM\s+(?:NAMED\s+)?(\S+)", re.IGNORECASE)
_SERVICE = re.compile("SERVICE", re.IGNORECASE)  # no word boundaries: the engine needs none
_PREFIX_DECLARATION = re.compile(r"(?<![\w:?$\-.])PREFIX\s*([^\s:<>]*):\s*(<_*>)", re.IGNORECASE)

# Tokens the engine reads whole, in the ASCII subset of its own rules (spargebra's grammar): where
# the engine's token is longer (non-ASCII letters, %-escapes), the rest stays visible to the check.
_NAMES = re.compile(
    # a variable; '?' right after a name, an IRI or ')' may be a path modifier, so not there
    r"(?P<var>\$[A-Za-z0-9_]+|(?<![\w>)\]\u0080-\uffff])\?[A-Za-z0-9_]+)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<bnode>_:[A-Za-z0-9_][A-Za-z0-9_\-]*(?:\.+[A-Za-z0-9_\-]+)*)"
    # a prefixed name: PN_PREFIX? ':' PN_LOCAL, where PN_LOCAL takes at most one run of dots
    r"|(?<![\w.\-:\u0080-\uffff])(?P<prefix>[A-Za-z][A-Za-z0-9_\-]*(?:\.+[A-Za-z0-9_\-]+)*)?:"
    r"(?P<local>[A-Za-z0-9_][A-Za-z0-9_\-]*(?:\.+[A-Za-z0-9_\-]+)?)?"
)
_LOCAL_CONTINUES = re.compile(r"[\w\-:%\\\u0080-\U0010ffff]")

#: Deepest nesting of (), {} and [] accepted. pyoxigraph's parser overflows its stack at about
#: 2,500 nested braces (1,500 nested sub-selects, 5,000 parentheses) and takes the engine down.
MAX_NESTING = 128
#: Most operators and pattern joins (UNION, OPTIONAL, MINUS, &&, ||, !, arithmetic, comparisons,
#: path operators) accepted: each links two parts of a tree the engine walks recursively, and a
#: chain of about 7,000 crashes it just as deep nesting does.
MAX_OPERATORS = 2000
_BRACKETS = re.compile(r"[(){}\[\]]")
_OPERATORS = re.compile(
    r"(?P<skip><_*>|(?<![\w.:])[\w.:]+(?:-[\w.:]+)+)"  # an IRI's placeholder, a name with hyphens: not operators
    r"|&&|\|\||!=|<=|>=|[!+\-*/|^=<>]|(?<![\w:?$])(?:UNION|OPTIONAL|MINUS)(?![\w:])",
    re.IGNORECASE,
)


class QueryRefused(BadRequest, ValueError):
    """The query is not allowed here; the message says why, for the client."""


@dataclass(frozen=True)
class QueryPlan:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    dataset_iris: tuple[str, ...]  # IRIs named in FROM / FROM NAMED


def _blank(text: str, iris: dict[int, str]) -> str:
    """Replace literals and comments by spaces and IRIs by ``<___>``, keeping every offset (the
    checks look back at the original text); collect the IRIs by where they start."""

    def replace(match: re.Match[str]) -> str:
        length = len(match.group())
        if match.lastgroup == "iri":
            iris[match.start()] = match.group()[1:-1]
            return "<" + "_" * (length - 2) + ">"
        if match.lastgroup == "escape":
            return "_" * length  # still part of a name, never a comment
        return " " * length

    return _LEXEMES.sub(replace, text)


def _safe_namespaces(code: str, iris: dict[int, str], known: Mapping[str, str]) -> set[str]:
    """Prefixes whose every declaration ends in '/' or '#': joined with an ASCII local name they
    always form a valid IRI, so the engine never falls back to reading the local name as code."""
    namespaces: dict[str, list[str]] = {prefix: [iri] for prefix, iri in known.items()}
    for match in _PREFIX_DECLARATION.finditer(code):
        namespaces.setdefault(match.group(1), []).append(iris[match.start(2)])
    return {prefix for prefix, found in namespaces.items() if all(iri.endswith(("/", "#")) for iri in found)}


def _hidden_names(code: str, raw: str, safe_prefixes: set[str]) -> str:
    """``code`` with the tokens the engine reads whole blanked: variables, language tags, blank
    node labels, and local names of safely declared prefixes (pure ASCII, ending where the
    engine's name ends). Prefixes themselves stay visible: ``service:x`` can be read as SERVICE."""

    def replace(match: re.Match[str]) -> str:
        if match.group("var") or match.group("lang") or match.group("bnode"):
            return " " * len(match.group())
        local = match.group("local")
        if not local:
            return match.group()
        end = match.end()
        following = raw[end : end + 1]
        continues = bool(following) and (
            _LOCAL_CONTINUES.match(following) is not None or (following == "." and "." not in local)
        )
        plain = re.fullmatch(r"[A-Za-z0-9_\-.]+", raw[match.start("local") : end]) is not None
        if (match.group("prefix") or "") in safe_prefixes and plain and not continues:
            return match.group()[: -len(local)] + " " * len(local)
        return match.group()

    return _NAMES.sub(replace, code)


def _check_size(code: str) -> None:
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(code):
        if bracket.group() in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryRefused(
            Message(
                f"The query nests brackets {deepest} levels deep; this endpoint accepts at most {MAX_NESTING}.",
                f"Frågan har parenteser i {deepest} nivåer; tjänsten tar emot högst {MAX_NESTING}.",
            )
        )
    operators = sum(1 for match in _OPERATORS.finditer(code) if match.lastgroup != "skip")
    if operators > MAX_OPERATORS:
        raise QueryRefused(
            Message(
                f"The query has {operators} operators and joins (UNION, OPTIONAL, &&, +, / …); this endpoint "
                f"accepts at most {MAX_OPERATORS}. Split it into smaller queries.",
                f"Frågan har {operators} operatorer och sammanfogningar (UNION, OPTIONAL, &&, +, / …); tjänsten "
                f"tar emot högst {MAX_OPERATORS}. Dela upp den i mindre frågor.",
            )
        )


def _check_service(code: str, query: str, iris: dict[int, str], known_prefixes: Mapping[str, str]) -> None:
    if "service" not in query.lower():  # the engine reads the keyword only in ASCII letters: most queries stop here
        return
    visible = _hidden_names(code, query, _safe_namespaces(code, iris, known_prefixes))
    found = _SERVICE.search(visible)
    if found is None:
        return
    english = (
        "SERVICE is not supported: this endpoint never fetches data from other servers. "
        "Run federated queries from your own client instead."
    )
    swedish = (
        "SERVICE stöds inte: den här tjänsten hämtar aldrig data från andra servrar. "
        "Kör federerade frågor från din egen klient i stället."
    )
    if re.match(r"[\w.\-]*:", visible[found.end() :]):  # the letters are part of a prefix's name
        english += " A prefix whose name contains 'service' counts too, as the engine may read it as the keyword."
        swedish += (
            " Ett prefix vars namn innehåller 'service' räknas också, eftersom motorn kan läsa det som nyckelordet."
        )
    raise QueryRefused(Message(english, swedish))


def inspect(query: str, known_prefixes: Mapping[str, str] | None = None) -> QueryPlan:
    """Check one query text; raise :class:`QueryRefused` with a readable reason.

    ``known_prefixes`` are the prefixes the engine declares for every query (prefix → namespace)."""
    iris: dict[int, str] = {}
    code = _blank(query, iris)
    _check_size(code)
    _check_service(code, query, iris, known_prefixes or {})
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
        if re.fullmatch(r"<_*>", match.group(1)) is None:
            raise QueryRefused(
                Message(
                    "FROM needs a full IRI in angle brackets here, e.g. FROM <…/graph/…>.",
                    "FROM behöver här en hel IRI inom vinkelparenteser, t.ex. FROM <…/graph/…>.",
                )
            )
        dataset.append(iris[match.start(1)])
    return QueryPlan(form.group(1).upper(), tuple(dataset))
