"""Where in a Turtle file a subject is described, so that messages can say ``file:line``.

Reads the file as text: a statement that starts at the beginning of a line names its subject
with its first token (a prefixed name or an IRI in angle brackets). That is how the data files
are written; a subject written any other way is simply reported without a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from .iris import unrebase

_PREFIX = re.compile(r"^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>\s]*>|[\w.-]*:[\w.\-%]*)")


def subject_lines(path: Path) -> dict[str, int]:
    """IRI of each subject → the line (1-based) where its first statement starts."""
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared.group(1)] = declared.group(2)
            continue
        match = _SUBJECT.match(line)
        if not match:
            continue
        token = match.group(1)
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + local
        found.setdefault(iri, number)
    return found


def term_lines(path: Path, iri: str) -> list[int]:
    """Lines that mention ``iri`` (as a prefixed name or in angle brackets)."""
    prefixes: dict[str, str] = {}
    hits = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared.group(1)] = declared.group(2)
            continue
        names = [f"<{iri}>"] + [f"{p}:{iri[len(ns) :]}" for p, ns in prefixes.items() if ns and iri.startswith(ns)]
        if any(re.search(rf"(?<![\w:]){re.escape(name)}(?![\w:-])", line) for name in names):
            hits.append(number)
    return hits


class SubjectLocations(Mapping[str, list[str]]):
    """subject IRI → ``file:line`` of its description in each file that describes it (the file alone where no
    line is found), worked out when asked: only the subjects of findings are, a few among a million."""

    def __init__(self, origins: dict[str, list[Path]], root: Path, base: str) -> None:
        self._origins = origins
        self._root = root
        self._base = base
        self._lines: dict[Path, dict[str, int]] = {}

    def __getitem__(self, subject: str) -> list[str]:
        located = []
        for path in self._origins[subject]:
            lines = self._lines.get(path)
            if lines is None:
                lines = self._lines[path] = subject_lines(path)
            shown = path.relative_to(self._root) if path.is_relative_to(self._root) else path
            line = lines.get(unrebase(subject, self._base))
            located.append(f"{shown}:{line}" if line else str(shown))
        return located

    def __iter__(self) -> Iterator[str]:
        return iter(self._origins)

    def __len__(self) -> int:
        return len(self._origins)
