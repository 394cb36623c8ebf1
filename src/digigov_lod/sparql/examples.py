"""Named example queries ("canned queries") for researchers, read from ``queries/*/*.rq``.

Each file starts with comment lines ``# key: value`` (title, title_sv, description,
description_sv); the id is the file name without ``.rq``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_HEADER = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class ExampleQuery:
    id: str
    title: str
    title_sv: str
    description: str
    description_sv: str
    text: str

    def title_in(self, lang: str) -> str:
        return self.title_sv if lang == "sv" and self.title_sv else self.title

    def description_in(self, lang: str) -> str:
        return self.description_sv if lang == "sv" and self.description_sv else self.description


def parse_example(query_id: str, text: str) -> ExampleQuery:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            fields.setdefault(match.group(1), match.group(2).strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    title = fields.get("title", query_id)
    return ExampleQuery(
        id=query_id,
        title=title,
        title_sv=fields.get("title_sv", title),
        description=fields.get("description", ""),
        description_sv=fields.get("description_sv", fields.get("description", "")),
        text=text,
    )


@cache
def load_examples() -> tuple[ExampleQuery, ...]:
    """Every example query shipped with the package, ordered by id."""
    root = resources.files("digigov_lod") / "queries"
    found = []
    if root.is_dir():
        for folder in root.iterdir():
            if folder.is_dir():
                for item in folder.iterdir():
                    if item.name.endswith(".rq"):
                        found.append(parse_example(item.name[: -len(".rq")], item.read_text(encoding="utf-8")))
    return tuple(sorted(found, key=lambda q: q.id))


def find_example(query_id: str) -> ExampleQuery | None:
    return next((q for q in load_examples() if q.id == query_id), None)
