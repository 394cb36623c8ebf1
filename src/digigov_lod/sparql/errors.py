"""Readable SPARQL syntax errors.

The engine reports errors as ``error at LINE:COLUMN: expected one of <character classes>``,
which is precise but hard to read. This turns them into a line and column, the text near the
error, and a hint where one is possible (an undeclared prefix).
"""

from __future__ import annotations

import difflib
import re

from ..messages import Message

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:")
_MAX_EXPECTED = 160
_CHARACTER_CLASSES = re.compile(r"\[[^\]]*\],?")  # the engine's ['a' ..= 'z'] lists: noise for readers
#: Strings, IRIs and comments, blanked out before looking for misspelt keywords.
_OPAQUE = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*')
#: Bare words: not variables, prefixed names, language tags or datatypes.
_BARE_WORD = re.compile(r"(?<![\w?$:@^.-])([A-Za-z][A-Za-z_]*)(?![\w:-])")
KEYWORDS = frozenset(
    [
        "SELECT",
        "CONSTRUCT",
        "DESCRIBE",
        "ASK",
        "WHERE",
        "FROM",
        "NAMED",
        "PREFIX",
        "BASE",
        "DISTINCT",
        "REDUCED",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "LIMIT",
        "OFFSET",
        "GROUP",
        "HAVING",
        "OPTIONAL",
        "UNION",
        "MINUS",
        "FILTER",
        "BIND",
        "VALUES",
        "GRAPH",
        "SERVICE",
        "SILENT",
        "AS",
        "NOT",
        "EXISTS",
        "IN",
        "UNDEF",
        "TRUE",
        "FALSE",
        "A",
        "STR",
        "LANG",
        "LANGMATCHES",
        "DATATYPE",
        "BOUND",
        "IRI",
        "URI",
        "BNODE",
        "RAND",
        "ABS",
        "CEIL",
        "FLOOR",
        "ROUND",
        "CONCAT",
        "STRLEN",
        "UCASE",
        "LCASE",
        "CONTAINS",
        "STRSTARTS",
        "STRENDS",
        "STRBEFORE",
        "STRAFTER",
        "YEAR",
        "MONTH",
        "DAY",
        "HOURS",
        "MINUTES",
        "SECONDS",
        "TIMEZONE",
        "TZ",
        "NOW",
        "UUID",
        "STRUUID",
        "COALESCE",
        "IF",
        "STRLANG",
        "STRDT",
        "SAMETERM",
        "ISIRI",
        "ISURI",
        "ISBLANK",
        "ISLITERAL",
        "ISNUMERIC",
        "REGEX",
        "SUBSTR",
        "REPLACE",
        "COUNT",
        "SUM",
        "MIN",
        "MAX",
        "AVG",
        "SAMPLE",
        "GROUP_CONCAT",
        "SEPARATOR",
    ]
)


#: Namespaces of prefixes researchers often use that this endpoint does not declare itself (the
#: data links people and organisations to Wikidata): an unknown-prefix error names the IRI.
WELL_KNOWN_PREFIXES = {
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "wikibase": "http://wikiba.se/ontology#",
    "dbo": "http://dbpedia.org/ontology/",
    "dbr": "http://dbpedia.org/resource/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "sh": "http://www.w3.org/ns/shacl#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "time": "http://www.w3.org/2006/time#",
    "locn": "http://www.w3.org/ns/locn#",
}


def readable_syntax_error(query: str, engine_message: str) -> Message:
    match = _POSITION.search(engine_message)
    if match is None:
        return Message(f"SPARQL syntax error: {engine_message[:300]}", f"SPARQL-syntaxfel: {engine_message[:300]}")
    line_no, column = int(match.group(1)), int(match.group(2))
    lines = query.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    near = line[max(0, column - 1) : column + 30].strip()
    near_en, near_sv = (repr(near), repr(near)) if near else ("the end of the query", "slutet av frågan")
    if "Prefix not found" in match.group(3):
        start = min(len(line), max(0, column - 1))  # the engine points just past the prefixed name
        while start > 0 and re.match(r"[\w.:-]", line[start - 1]):
            start -= 1
        prefixed = _PREFIXED.match(line, start)
        prefix = prefixed.group(0) if prefixed else near
        namespace = WELL_KNOWN_PREFIXES.get(prefix.rstrip(":"))
        declaration = f"PREFIX {prefix} <{namespace or 'http://…'}>"
        if namespace:
            how_en, how_sv = f" with {declaration}", f" med {declaration}"
        else:
            how_en = f", e.g. {declaration}, or write the full IRI in angle brackets"
            how_sv = f", t.ex. {declaration}, eller skriv hela IRI:n inom vinkelparenteser"
        return Message(
            f"Unknown prefix {prefix!r} at line {line_no}, column {column}: declare it{how_en}. "
            "The prefixes declared for every query are listed at /sparql#prefixes.",
            f"Okänt prefix {prefix!r} på rad {line_no}, kolumn {column}: deklarera det{how_sv}. "
            "Prefixen som deklareras för varje fråga finns på /sparql#prefixes.",
        )
    expected = " ".join(_CHARACTER_CLASSES.sub("", match.group(3)).split()).replace(" ,", ",").strip(" ,")
    if len(expected) > _MAX_EXPECTED:
        expected = expected[:_MAX_EXPECTED] + " …"
    expected_sv = expected.replace("expected one of", "väntade ett av").replace("expected", "väntade")
    en = f"SPARQL syntax error at line {line_no}, column {column}, near {near_en}: {expected}"
    sv = f"SPARQL-syntaxfel på rad {line_no}, kolumn {column}, vid {near_sv}: {expected_sv}"
    misspelt = misspelt_keyword(lines[:line_no])
    if misspelt:
        word, keyword, at_line = misspelt
        en += f". {word!r} on line {at_line} is not a SPARQL keyword: did you mean {keyword}?"
        sv += f". {word!r} på rad {at_line} är inget nyckelord i SPARQL: menade du {keyword}?"
    return Message(en, sv)


def misspelt_keyword(lines: list[str]) -> tuple[str, str, int] | None:
    """The last bare word in ``lines`` that is no keyword but close to one: (word, keyword, line).

    The engine reports where parsing failed, which is often a token or more after a misspelt
    keyword (``ORDR BY`` fails at ``BY``), and lists what it expected there, not what was meant."""
    found = None
    for number, line in enumerate(lines, start=1):
        for word in _BARE_WORD.findall(_OPAQUE.sub(lambda m: " " * len(m.group()), line)):
            if word.upper() not in KEYWORDS:
                close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
                if close:
                    found = (word, close[0], number)
    return found
