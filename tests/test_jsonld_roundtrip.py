"""Round trip: the triples of every snippet, read back by PyLD *and* by the reference JavaScript
implementation (npm jsonld), equal the corresponding triples of the graph.

The corresponding subgraph of a snippet is defined as:

1. the triples :func:`digigov_lod.jsonld.select` collects: for every node nested from the root
   along the frames (EMBED/BRIEF properties within the depth budget), its rdf:type triples and the
   frame's properties — in the full variant every triple of a fully framed node;
2. for the embed variant, rewritten as documented in docs/jsonld.md: only schema.org types, and of
   those only the most specific; literals in the chosen language (else the first language that
   has some), without their tag; dates on the properties the schema.org context coerces carry
   the datatype schema:Date; a time without offset is Stockholm local time;
3. on both sides, ``http://schema.org/`` is read as ``https://schema.org/`` (the one rule that
   reconciles the official context with the vocabulary and the graph).

Step 2 is re-implemented here on purpose, independently of ``jsonld.embed.prepare``.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from pyld import jsonld
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from support import PROJECT_ROOT, run_node_json

from digigov_lod.graph import load_sources
from digigov_lod.jsonld import Options, conference_iri, iter_resources, select, snippet
from digigov_lod.jsonld.frames import most_specific
from digigov_lod.jsonld.loader import options as pyld_options
from digigov_lod.jsonld.loader import schemaorg_context

BASE = "https://w3id.org/digigov-lod/"
HTTPS, HTTP = "https://schema.org/", "http://schema.org/"
EXPAND_JS = PROJECT_ROOT / "tests" / "js" / "expand.mjs"
VARIANTS = [Options("embed", "sv"), Options("embed", "en"), Options("full", "sv")]
#: Every resource in every variant, through two processors: minutes of PyLD. The fast loop keeps the embeds'
#: HTTP, safety and structured-data tests (test_jsonld_web.py, test_jsonld_sdtt.py).
pytestmark = pytest.mark.slow


@cache
def graph() -> Graph:
    return load_sources(PROJECT_ROOT / "data", PROJECT_ROOT / "ontology", BASE)


def resources() -> list[str]:
    return [str(iri) for iri in iter_resources(graph(), BASE)]


def https(term):
    """Read http://schema.org/ as https://schema.org/ (IRIs and datatypes)."""
    if isinstance(term, URIRef) and str(term).startswith(HTTP):
        return URIRef(HTTPS + str(term)[len(HTTP) :])
    if isinstance(term, Literal) and term.datatype and str(term.datatype).startswith(HTTP):
        return Literal(str(term), datatype=URIRef(HTTPS + str(term.datatype)[len(HTTP) :]))
    return term


def normalised(triples) -> Graph:
    out = Graph()
    for s, p, o in triples:
        out.add((https(s), https(p), https(o)))
    return out


def date_terms() -> set[str]:
    context = schemaorg_context()["@context"]
    return {k for k, v in context.items() if isinstance(v, dict) and v.get("@type") == "Date"}


def expected(iri: str, opts: Options) -> Graph:
    """The corresponding subgraph, normalised (see the module docstring)."""
    selected = select(graph(), URIRef(iri), opts)
    if opts.variant == "full":
        return normalised(selected)
    out = Graph()
    dates = date_terms()
    for s in set(selected.subjects()):
        types = {str(t)[len(HTTPS) :] for t in selected.objects(s, RDF.type) if str(t).startswith(HTTPS)}
        for name in most_specific(types):
            out.add((s, RDF.type, URIRef(HTTPS + name)))
        for p in set(selected.predicates(s)) - {RDF.type}:
            values = list(selected.objects(s, p))
            tagged = [v for v in values if isinstance(v, Literal) and v.language]
            languages = [opts.lang, "sv", "en", *sorted({v.language for v in tagged})]
            chosen = next((lang for lang in languages if any(v.language == lang for v in tagged)), None)
            for v in values:
                if isinstance(v, Literal) and v.language:
                    if v.language == chosen:
                        out.add((s, p, Literal(str(v))))
                    continue
                if isinstance(v, Literal) and v.datatype in (XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth):
                    lexical = str(v)
                    if v.datatype == XSD.dateTime and datetime.fromisoformat(lexical).tzinfo is None:
                        stockholm = ZoneInfo("Europe/Stockholm")
                        lexical = datetime.fromisoformat(lexical).replace(tzinfo=stockholm).isoformat()
                    local = str(p)[len(HTTPS) :]
                    v = Literal(lexical, datatype=URIRef(HTTPS + "Date") if local in dates else v.datatype)
                out.add((s, p, v))
    return out


def from_nquads(text: str) -> Graph:
    parsed = Graph()
    parsed.parse(data=text, format="nt")
    return normalised(parsed)


def pyld_triples(document: dict) -> Graph:
    return from_nquads(jsonld.to_rdf(document, pyld_options(format="application/n-quads")))


def explain(want: Graph, got: Graph) -> str:
    a, b = to_isomorphic(want), to_isomorphic(got)
    missing = sorted(f"  - {t}" for t in set(a) - set(b))[:10]
    extra = sorted(f"  + {t}" for t in set(b) - set(a))[:10]
    return "\n".join(["missing from snippet:", *missing, "extra in snippet:", *extra])


@cache
def all_snippets() -> dict[str, dict]:
    out = {}
    for iri in resources():
        for opts in VARIANTS:
            out[f"{opts.variant}|{opts.lang}|{iri}"] = snippet(graph(), iri, opts, BASE)
    return out


@cache
def js_triples() -> dict[str, str]:
    """N-Quads of every snippet by the reference JavaScript implementation, in one node process."""
    return run_node_json(EXPAND_JS, all_snippets(), "batch", package="jsonld")


def test_there_are_resources_to_check() -> None:
    kinds = {iri[len(BASE) :].split("/")[1] for iri in resources()}
    assert {"event", "person", "organization", "place", "role", "work"} <= kinds
    assert len(resources()) > 50


@pytest.mark.parametrize("opts", VARIANTS, ids=lambda o: f"{o.variant}-{o.lang}")
def test_every_snippet_round_trips_through_pyld(opts: Options) -> None:
    failures = []
    for iri in resources():
        document = all_snippets()[f"{opts.variant}|{opts.lang}|{iri}"]
        want, got = expected(iri, opts), pyld_triples(document)
        if not isomorphic(want, got):
            failures.append(f"{iri}\n{explain(want, got)}")
    assert not failures, "\n\n".join(failures[:3]) + f"\n\n({len(failures)} resources differ)"


@pytest.mark.parametrize("opts", VARIANTS, ids=lambda o: f"{o.variant}-{o.lang}")
def test_every_snippet_round_trips_through_jsonld_js(opts: Options) -> None:
    failures = []
    quads = js_triples()
    for iri in resources():
        key = f"{opts.variant}|{opts.lang}|{iri}"
        want, got = expected(iri, opts), from_nquads(quads[key])
        if not isomorphic(want, got):
            failures.append(f"{iri}\n{explain(want, got)}")
    assert not failures, "\n\n".join(failures[:3]) + f"\n\n({len(failures)} resources differ)"


def test_snippet_shape() -> None:
    """One top-level object, the schema.org context by URL, plain terms only in the embed variant."""
    for key, document in all_snippets().items():
        assert "@graph" not in document, key
        variant = key.split("|")[0]
        if variant == "embed":
            assert document["@context"] == "https://schema.org", key
            text = json.dumps(document)
            assert '"schema:' not in text and '"dgv:' not in text and "http://schema.org" not in text, key
        else:
            assert document["@context"][0] == "https://schema.org", key
        assert document["@id"] == key.split("|")[2]


def test_conference_nests_sessions_performers_and_people() -> None:
    document = snippet(graph(), conference_iri(BASE), Options(), BASE)
    assert document["@type"] == "BusinessEvent"
    days = document["subEvent"]
    sessions = [
        s for day in days for s in (day["subEvent"] if isinstance(day["subEvent"], list) else [day["subEvent"]])
    ]
    # sessions name their performers directly (the roles are on dgv:performerRole, outside schema.org)
    people = [p for s in sessions for p in as_list(s.get("performer", [])) if isinstance(p, dict)]
    assert any(p.get("@type") == "Person" and p.get("name") == "Lena Micko" for p in people), people
    assert not any(p.get("@type") == "PerformanceRole" for p in people)


def test_select_takes_exactly_the_frame() -> None:
    """A PostalAddress nests nothing: its snippet states its type and the address fields."""
    iri = URIRef(BASE + "id/address/kista")
    selected = select(graph(), iri, Options())
    props = {str(p)[len(HTTPS) :] for p in selected.predicates(iri) if p != RDF.type}
    assert props == {"name", "addressLocality", "addressRegion", "addressCountry"}
    assert set(selected.subjects()) == {iri}


def test_a_time_without_offset_is_stockholm_time() -> None:
    g = Graph()
    event = URIRef(BASE + "id/event/x")
    g.add((event, RDF.type, URIRef(HTTPS + "Event")))
    g.add((event, URIRef(HTTPS + "startDate"), Literal("2017-12-05T09:30:00", datatype=XSD.dateTime)))
    g.add((event, URIRef(HTTPS + "endDate"), Literal("2017-06-05T09:30:00Z", datatype=XSD.dateTime)))
    document = snippet(g, str(event), Options(), BASE)
    assert document["startDate"] == "2017-12-05T09:30:00+01:00"
    assert document["endDate"] == "2017-06-05T09:30:00+00:00"


def as_list(value):
    return value if isinstance(value, list) else [value]
