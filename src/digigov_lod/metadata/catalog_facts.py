"""The catalog's facts: read from ``data/catalog.toml`` (the publisher's file) and mapped to DCAT by tables.

Each table row names a fact of the file, the RDF property it becomes and its kind (ckanext-dcat's
way), so a new fact is a line in the file and a row here, not code. What the build computes (dates
of the release, sizes, checksums, the vocabularies used) stays in :mod:`.dcat`.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS, XSD

from ..graph import SourceError
from .vocabularies import ACCESS_RIGHT, COUNTRY, DATA_THEME, FREQUENCY, LANGUAGE, PLANNED_AVAILABILITY

AVAILABILITY = URIRef("http://data.europa.eu/r5r/availability")

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class Row:
    """One fact: ``key`` in its section becomes ``predicate``; ``kind`` says how (see the file's head)."""

    key: str
    predicate: URIRef
    kind: str  # "texts", "date", "iri" or "code" (a code in ``codes``)
    codes: Namespace | None = None


TITLE = Row("title", DCTERMS.title, "texts")
DESCRIPTION = Row("description", DCTERMS.description, "texts")
KEYWORDS = Row("keywords", DCAT.keyword, "texts")
ISSUED = Row("issued", DCTERMS.issued, "date")
LICENSE = Row("license", DCTERMS.license, "iri")
LANGUAGES = Row("language", DCTERMS.language, "code", LANGUAGE)
SPATIAL = Row("spatial", DCTERMS.spatial, "code", COUNTRY)
THEMES = Row("themes", DCAT.theme, "code", DATA_THEME)
ACCESS_RIGHTS = Row("access_rights", DCTERMS.accessRights, "code", ACCESS_RIGHT)
STABLE = Row("availability", AVAILABILITY, "code", PLANNED_AVAILABILITY)

#: The tables, by section of the file (a dotted section is a table within one).
TABLES: dict[str, tuple[Row, ...]] = {
    "catalog": (TITLE, DESCRIPTION, ISSUED, LANGUAGES, SPATIAL, LICENSE),
    "dataset": (
        TITLE,
        DESCRIPTION,
        KEYWORDS,
        THEMES,
        SPATIAL,
        LANGUAGES,
        ISSUED,
        Row("accrual_periodicity", DCTERMS.accrualPeriodicity, "code", FREQUENCY),
        ACCESS_RIGHTS,
        LICENSE,
    ),
    "dataset.temporal": (Row("start", DCAT.startDate, "date"), Row("end", DCAT.endDate, "date")),
    "dataset.provenance": (Row("statement", RDFS.label, "texts"),),
    "dump_distributions": (LICENSE, LANGUAGES, STABLE),
    "service": (TITLE, DESCRIPTION, KEYWORDS, THEMES, ACCESS_RIGHTS, LICENSE),
    "api_distribution": (TITLE, DESCRIPTION, LICENSE, STABLE),
}
#: Facts read by name rather than mapped (the knowledge graph's values win over them).
NAMED = {"publisher": ("slug", "name"), "contact": ("slug", "name", "email")}

_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def load_facts(path: Path) -> Facts:
    """The file's facts, checked against the tables; a :class:`SourceError` names the file (and the
    line, for a TOML syntax error) otherwise."""
    try:
        with path.open("rb") as file:
            facts = tomllib.load(file)
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the catalog's facts ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        where = _POSITION.search(str(exc))
        raise SourceError(path, int(where.group(1)) if where else None, f"not valid TOML: {exc}") from None
    for section, keys in [*((s, tuple(r.key for r in rows)) for s, rows in TABLES.items()), *NAMED.items()]:
        table = section_of(facts, section)
        if not isinstance(table, dict):
            raise SourceError(path, None, f"the section [{section}] is missing")
        for key in keys:
            if key not in table:
                raise SourceError(path, None, f"[{section}] has no {key!r}")
    for section, rows in TABLES.items():
        for row in rows:
            problem = _problem(row, section_of(facts, section)[row.key])
            if problem:
                raise SourceError(path, None, f"[{section}] {row.key}: {problem}")
    return facts


def section_of(facts: Facts, section: str) -> Any:
    """``facts["dataset"]["temporal"]`` for ``dataset.temporal``; None where a part is missing."""
    found: Any = facts
    for part in section.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def _problem(row: Row, value: object) -> str | None:
    """What is wrong with ``value`` for ``row``'s kind, or None."""
    values = value if isinstance(value, list) else [value]
    if row.kind == "texts":
        if not isinstance(value, dict) or not value:
            return 'expected texts by language, e.g. { sv = "…", en = "…" }'
        texts = [t for v in value.values() for t in (v if isinstance(v, list) else [v])]
        return None if all(isinstance(t, str) for t in texts) else "every text must be a string"
    if row.kind == "date":
        return None if isinstance(value, datetime.date) else "expected a date such as 2026-11-29 (no quotes)"
    if row.kind == "iri":
        return None if all(isinstance(v, str) and re.match(r"[a-z]+:", v) for v in values) else "expected IRIs"
    return None if all(isinstance(v, str) and v for v in values) else 'expected codes such as "SWE"'


def add_facts(g: Graph, subject: URIRef, facts: Facts, section: str) -> None:
    """The triples of ``section``'s facts about ``subject``, by its table."""
    table = section_of(facts, section)
    for row in TABLES[section]:
        for obj in _objects(row, table[row.key]):
            g.add((subject, row.predicate, obj))


def _objects(row: Row, value: Any) -> list[Literal | URIRef]:
    if row.kind == "texts":
        return [
            Literal(text, lang=lang)
            for lang, texts in value.items()
            for text in (texts if isinstance(texts, list) else [texts])
        ]
    if row.kind == "date":
        return [Literal(value.isoformat(), datatype=XSD.date)]
    values = value if isinstance(value, list) else [value]
    if row.kind == "iri":
        return [URIRef(v) for v in values]
    assert row.codes is not None
    return [row.codes[v] for v in values]
