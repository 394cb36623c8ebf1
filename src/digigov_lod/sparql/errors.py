"""Readable SPARQL syntax errors.

The engine reports errors as ``error at LINE:COLUMN: expected one of <character classes>``,
which is precise but hard to read. This turns them into a line and column, the text near the
error, and a hint where one is possible (an undeclared prefix).
"""

from __future__ import annotations

import re

from ..messages import Message

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:")
_MAX_EXPECTED = 160
_CHARACTER_CLASSES = re.compile(r"\[[^\]]*\],?")  # the engine's ['a' ..= 'z'] lists: noise for readers


def readable_syntax_error(query: str, engine_message: str) -> Message:
    match = _POSITION.search(engine_message)
    if match is None:
        return Message(f"SPARQL syntax error: {engine_message[:300]}", f"SPARQL-syntaxfel: {engine_message[:300]}")
    line_no, column = int(match.group(1)), int(match.group(2))
    lines = query.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    near = line[max(0, column - 1) : column + 30].strip() or "(end of query)"
    if "Prefix not found" in match.group(3):
        start = min(len(line), max(0, column - 1))  # the engine points just past the prefixed name
        while start > 0 and re.match(r"[\w.:-]", line[start - 1]):
            start -= 1
        prefixed = _PREFIXED.match(line, start)
        prefix = prefixed.group(0) if prefixed else near
        return Message(
            f"Unknown prefix {prefix!r} at line {line_no}, column {column}: declare it, "
            f"e.g. PREFIX {prefix} <…>, or write the full IRI in angle brackets.",
            f"Okänt prefix {prefix!r} på rad {line_no}, kolumn {column}: deklarera det, "
            f"t.ex. PREFIX {prefix} <…>, eller skriv hela IRI:n inom vinkelparenteser.",
        )
    expected = " ".join(_CHARACTER_CLASSES.sub("", match.group(3)).split()).replace(" ,", ",").strip(" ,")
    if len(expected) > _MAX_EXPECTED:
        expected = expected[:_MAX_EXPECTED] + " …"
    return Message(
        f"SPARQL syntax error at line {line_no}, column {column}, near {near!r}: {expected}",
        f"SPARQL-syntaxfel på rad {line_no}, kolumn {column}, vid {near!r}: {expected}",
    )
