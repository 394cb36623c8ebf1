"""The SPARQL 1.1 Protocol endpoint (queries only), its query page and the example queries."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from rdflib import URIRef

from ..errors import BadRequest, NotAcceptable, NotFound, PayloadTooLarge, UnsupportedMediaType
from ..formats import HTML, RDF_FORMATS, RESULT_FORMATS, SPARQL_JSON, TURTLE, Format
from ..messages import Message, worded
from ..release import serialize
from ..sparql.description import service_description
from ..sparql.engine import (
    EngineFailure,
    EngineUnavailable,
    PoolBusy,
    QueryAnswer,
    QueryError,
    QueryTimeout,
    retry_later,
)
from ..sparql.examples import find_example, load_examples
from ..sparql.guard import QueryPlan, QueryRefused
from ..sparql.service import QueryService, unknown_graphs_note
from .i18n import reader_language
from .negotiation import choose, explicit
from .rdf_view import result_cell
from .responses import UNKNOWN_GRAPHS_HEADER, install_error_handler, representation
from .site import current_site

blueprint = Blueprint("sparql", __name__)
blueprint.record_once(install_error_handler)
log = logging.getLogger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: Rows shown in an HTML results table; the full result is linked in CSV and JSON. Rendering a
#: 10,000-row table costs about a second of CPU and 8 MB, and no reader scrolls through it.
HTML_MAX_ROWS = 500
#: File suffixes of downloaded results: what people's programs open (``.json``, not SPARQL's ``.srj``).
DOWNLOAD_EXTENSIONS = {**{f.key: f.key for f in RESULT_FORMATS}, **{f.key: f.extension for f in RDF_FORMATS}}
#: Where a syntax error's message says it is, in its English wording (the editor marks that place).
_ERROR_POSITION = re.compile(r"\bline (\d+), column (\d+)")


READ_ONLY = Message(
    "SPARQL Update is not allowed: this endpoint is read-only.",
    "SPARQL Update är inte tillåtet: tjänsten är skrivskyddad.",
)


def _require_utf8(raw: bytes, where: Message, form_encoded: bool) -> None:
    """Refuse text that is not UTF-8, which the framework would silently turn into U+FFFD and run."""
    parts = raw.split(b"&") if form_encoded else [raw]
    for part in parts:
        try:
            (unquote_to_bytes(part.replace(b"+", b" ")) if form_encoded else part).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                Message(
                    f"The {where} is not valid UTF-8 (byte {exc.object[exc.start]:#04x} at position {exc.start + 1} "
                    "of a parameter). SPARQL queries are sent as UTF-8; percent-encode each byte of it.",
                    f"{where.sv} är inte giltig UTF-8 (byte {exc.object[exc.start]:#04x} på position {exc.start + 1} "
                    "i en parameter). SPARQL-frågor skickas som UTF-8; procentkoda varje byte.",
                ),
            ) from None


def _request_parameters() -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the protocol parameters, from the URL and (for POST) the body."""
    _require_utf8(request.query_string, Message("URL's query string", "Adressens frågedel"), form_encoded=True)
    params = {key: request.args.getlist(key) for key in request.args}
    query: str | None = None
    if request.method == "POST":
        media = (request.mimetype or "").lower()
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if media in (FORM_TYPE, QUERY_TYPE) and charset not in ("utf-8", "utf8"):
            raise BadRequest(
                Message(
                    f"charset={charset} is not supported: send the query as UTF-8 (charset=utf-8 or none).",
                    f"charset={charset} stöds inte: skicka frågan som UTF-8 (charset=utf-8 eller inget).",
                ),
            )
        if media in (FORM_TYPE, QUERY_TYPE):
            _require_utf8(request.get_data(), Message("request body", "Begärans kropp"), media == FORM_TYPE)
        if media == FORM_TYPE:
            body = parse_qs(request.get_data(as_text=True), keep_blank_values=True)
            for key, values in body.items():
                params.setdefault(key, []).extend(values)
        elif media == QUERY_TYPE:
            query = request.get_data(as_text=True)
            if "query" in params:
                raise BadRequest(
                    Message(
                        "Give the query either in the body or as ?query=, not both.",
                        "Skicka frågan antingen i kroppen eller som ?query=, inte båda.",
                    ),
                )
        elif media == UPDATE_TYPE:
            raise BadRequest(READ_ONLY)
        else:
            shown = media or "(none)"
            raise UnsupportedMediaType(
                Message(
                    f"Unsupported Content-Type {shown!r}: POST a query as {QUERY_TYPE} "
                    f"or as {FORM_TYPE} with a 'query' field.",
                    f"Content-Type {shown!r} stöds inte: skicka en fråga som {QUERY_TYPE} "
                    f"eller som {FORM_TYPE} med ett fält 'query'.",
                ),
            )
    if "update" in params:
        raise BadRequest(READ_ONLY)
    if query is None and "query" in params:
        values = params.pop("query")
        if len(values) > 1:
            raise BadRequest(
                Message(
                    "Exactly one query per request: the 'query' parameter was given more than once.",
                    "En fråga per begäran: parametern 'query' kom mer än en gång.",
                ),
            )
        query = values[0]
    return query, params


def _format_parameter(params: dict[str, list[str]]) -> str | None:
    for name in ("format", "output"):
        if params.get(name):
            return params[name][0]
    return None


def negotiate(form: str, params: dict[str, list[str]], accept: str | None) -> Format:
    """The format of a query's answer: ``?format=``/``?output=`` first, else the Accept header."""
    offered = (*RESULT_FORMATS, HTML) if form in ("SELECT", "ASK") else (*RDF_FORMATS, HTML)
    return explicit(_format_parameter(params), offered) or choose(accept, offered)


def result_variant(query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """The part of a query answer's ETag that names the query and its dataset."""
    key = hashlib.sha256(repr((query, default_graphs, named_graphs)).encode()).hexdigest()[:16]
    return f"q{key}-"


def result_headers(
    answer: QueryAnswer,
    fmt: Format,
    unknown: tuple[str, ...],
    params: dict[str, list[str]],
    name: str,
    max_rows: int,
) -> list[tuple[str, str]]:
    """The headers a query answer carries besides its representation's: rows, truncation, unknown
    graphs, and a download's file name."""
    headers = [("X-Result-Rows", str(answer.rows))]
    if answer.truncated:
        headers.append(("X-Result-Truncated", f"true; limit={max_rows}"))
    if unknown:  # read as empty graphs; say so, so that a typo in a graph name does not pass silently
        headers.append((UNKNOWN_GRAPHS_HEADER, ", ".join(f"<{iri}>" for iri in unknown)))
    if fmt is not HTML and params.get("download", [""])[0] not in ("", "0", "false"):
        # the results page's download links: a browser saves the file under a name that says what it is
        headers.append(("Content-Disposition", f'attachment; filename="{name}.{DOWNLOAD_EXTENSIONS[fmt.key]}"'))
    return headers


@cache
def _bundle_built(static_folder: str) -> bool:
    """Looked for once per process: the bundle is made by the build, before the server starts."""
    return Path(static_folder, "editor.js").is_file()


@blueprint.context_processor
def _editor_context() -> dict[str, object]:
    """The query pages load the editor's bundle only where ``make build`` made it: without it, and
    without JavaScript, the form is the plain textarea it always was."""
    return {
        "editor_bundle": _bundle_built(current_app.static_folder or ""),
        "download_extensions": DOWNLOAD_EXTENSIONS,
    }


def run_query(
    query: str,
    params: dict[str, list[str]],
    title: str | None = None,
    description: str | None = None,
    name: str = "query-results",
) -> Response:
    """Check, run and render one query in the negotiated format (``name``: the file name of a download)."""
    site = current_site()
    if len(query.encode("utf-8")) > site.settings.max_query_bytes:
        limit = site.settings.max_query_bytes
        raise PayloadTooLarge(
            Message(
                f"The query is longer than the limit of {limit} bytes.", f"Frågan är längre än gränsen {limit} byte."
            )
        )
    if not query.strip():
        raise BadRequest(Message("The query is empty.", "Frågan är tom."))
    service = site.store.service
    default_graphs = tuple(params.get("default-graph-uri", []))
    named_graphs = tuple(params.get("named-graph-uri", []))
    try:
        plan = service.plan(query)
        unknown = service.unknown_graphs(plan, default_graphs, named_graphs)
        fmt = negotiate(plan.form, params, request.headers.get("Accept"))
        engine_format = SPARQL_JSON if fmt is HTML and plan.form in ("SELECT", "ASK") else fmt
        engine_format = TURTLE if engine_format is HTML else engine_format
        answer = service.answer(query, plan, engine_format.key, default_graphs, named_graphs)
    except (QueryRefused, QueryError) as exc:
        if _wants_page(params):
            return _editor_with_error(query, exc.message, title, description)
        raise
    except NotAcceptable:
        _refuse_wrong_query(service, query, plan, default_graphs, named_graphs)
        raise
    except (PoolBusy, EngineUnavailable) as exc:
        raise retry_later(exc, site.settings.query_timeout_s) from None
    body: str | bytes
    if fmt is HTML:
        lang = reader_language()
        result = None
        if engine_format is SPARQL_JSON:
            result = _result_table(json.loads(answer.body), lang, HTML_MAX_ROWS)
        body = render_template(
            "sparql_results.html",
            query=query,
            form=plan.form,
            title=title,
            description=description,
            result=result,
            rdf=answer.body.decode("utf-8") if engine_format is not SPARQL_JSON else None,
            truncated=answer.truncated,
            rows=answer.rows,
            local_url=site.local_url,
            lang=lang,
            formats=RESULT_FORMATS if plan.form in ("SELECT", "ASK") else RDF_FORMATS,
            shown=HTML_MAX_ROWS if answer.rows > HTML_MAX_ROWS and result and "rows" in result else None,
            full_result={key: _full_result_url(query, default_graphs, named_graphs, key) for key in ("csv", "json")},
            download_name=name,
            graphs_note=worded(unknown_graphs_note(unknown, service.graphs.names), lang) if unknown else None,
        )
    else:
        body = answer.body
    response = representation(body, fmt, variant=result_variant(query, default_graphs, named_graphs))
    for header, value in result_headers(answer, fmt, unknown, params, name, site.settings.max_result_rows):
        response.headers[header] = value
    return response


def _refuse_wrong_query(
    service: QueryService,
    query: str,
    plan: QueryPlan,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
) -> None:
    """Before a 406, raise the query's own error if it has one: a syntax error matters more than the
    format it would have come in, so the engine reads it first (its answer is cached for the right format)."""
    fallback = RESULT_FORMATS[0] if plan.form in ("SELECT", "ASK") else RDF_FORMATS[0]
    with contextlib.suppress(QueryTimeout, PoolBusy, EngineFailure):  # not known to be wrong: the format is
        service.answer(query, plan, fallback.key, default_graphs, named_graphs)  # what the client can fix


def _wants_page(params: dict[str, list[str]]) -> bool:
    """Whether the client reads pages: then a bad query comes back in the editor, not as a bare error."""
    try:
        return (
            explicit(_format_parameter(params), (*RESULT_FORMATS, *RDF_FORMATS, HTML))
            or choose(request.headers.get("Accept"), (*RESULT_FORMATS, HTML))
        ) is HTML
    except NotAcceptable:
        return False


def _editor_with_error(query: str, message: str, title: str | None, description: str | None) -> Response:
    """The results page with the reader's query in the editor and the error above it (status 400)."""
    body = render_template(
        "sparql_results.html",
        query=query,
        title=title,
        description=description,
        error_message=worded(message, reader_language()),
        error_position=_error_position(message),
        result=None,
        rdf=None,
        lang=reader_language(),
        formats=(),
    )
    response = Response(body, status=400, content_type=HTML.content_type)
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response


def _error_position(message: str) -> tuple[int, int] | None:
    """Line and column of a syntax error (both from 1), where the message names them."""
    match = _ERROR_POSITION.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _result_table(result: dict, lang: str, max_rows: int | None = None) -> dict:
    """SPARQL JSON results with each term turned into a labelled, linked table cell (the first
    ``max_rows`` rows)."""
    if "boolean" in result:
        return {"boolean": result["boolean"]}
    variables = result["head"]["vars"]
    bindings = result["results"]["bindings"]
    if max_rows is not None:
        bindings = bindings[:max_rows]
    labels = current_site().store.labels(URIRef(t["value"]) for b in bindings for t in b.values() if t["type"] == "uri")
    rows = [[result_cell(b[v], lang, labels) if v in b else None for v in variables] for b in bindings]
    return {"vars": variables, "rows": rows}


def _full_result_url(query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...], key: str) -> str:
    """A link to this query's result in another format (for a POSTed query too)."""
    if request.method == "GET":
        args = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("format", "output")}
        path = request.path
    else:
        args = {"query": [query], "default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)}
        path = url_for("sparql.endpoint")
    args["format"] = [key]
    args["download"] = ["1"]
    return path + "?" + urlencode({k: v for k, v in args.items() if v}, doseq=True)


def _service_description_response() -> Response:
    site = current_site()
    fmt = explicit(request.args.get("format"), RDF_FORMATS) or choose(request.headers.get("Accept"), RDF_FORMATS)
    endpoint = url_for("sparql.endpoint", _external=True)  # sd:endpoint is where this client reached it

    def make() -> bytes:  # once per release, host and format: the release never changes
        sizes = site.store.sizes()
        graph = service_description(
            endpoint, sizes.named, "DigiGov 2017 SPARQL endpoint", sizes.union, site.store.prefixes
        )
        return serialize(graph, fmt)

    body = site.store.remember(("service-description", endpoint, fmt.key), make)
    return representation(body, fmt, variant="sd-")


def _query_page() -> Response:
    site = current_site()
    lang = reader_language()
    body = render_template(
        "sparql_form.html",
        examples=load_examples(),
        lang=lang,
        default_query=load_examples()[0].text if load_examples() else "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        graphs=site.store.sizes().named,
        formats=RESULT_FORMATS + RDF_FORMATS,
        prefixes=site.store.prefixes,
    )
    return representation(body, HTML, variant=f"form-{lang}-", vary="Accept, Accept-Language")


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    query, params = _request_parameters()
    if query is not None:
        return run_query(query, params)
    if request.method == "POST":
        raise BadRequest(
            Message(
                "No query: send a 'query' parameter or a body of type application/sparql-query.",
                "Ingen fråga: skicka en parameter 'query' eller en kropp av typen application/sparql-query.",
            )
        )
    if "query" in request.args or request.args.get("format") == "html":
        raise BadRequest(
            Message(
                "The query is empty: add ?query=SELECT … to the URL.",
                "Frågan är tom: lägg till ?query=SELECT … i adressen.",
            )
        )
    # No query: a browser gets the query page, other clients the service description (in RDF).
    try:
        wanted = choose(request.headers.get("Accept"), (*RDF_FORMATS, HTML))
    except NotAcceptable:
        raise BadRequest(
            Message(
                "No query: add ?query=… (without a query this URL serves its service description in RDF).",
                "Ingen fråga: lägg till ?query=… (utan fråga ger adressen sin tjänstebeskrivning i RDF).",
            )
        ) from None
    return _query_page() if wanted is HTML else _service_description_response()


@blueprint.route("/sparql/examples")
def examples() -> Response:
    lang = reader_language()
    items = [
        {
            "id": q.id,
            "title": q.title,
            "title_sv": q.title_sv,
            "description": q.description,
            "description_sv": q.description_sv,
            "query": q.text,
            "url": url_for("sparql.example", query_id=q.id, _external=True),
        }
        for q in load_examples()
    ]
    offered = (HTML, SPARQL_JSON)  # an explicit ?format= wins over Accept
    fmt = explicit(request.args.get("format"), offered) or choose(request.headers.get("Accept"), offered)
    if fmt is SPARQL_JSON:
        return representation(json.dumps(items, ensure_ascii=False, indent=2), "application/json; charset=utf-8")
    body = render_template("sparql_examples.html", examples=load_examples(), lang=lang)
    return representation(body, HTML, variant=f"examples-{lang}-", vary="Accept, Accept-Language")


@blueprint.route("/sparql/examples/<query_id>")
def example(query_id: str) -> Response:
    """Run an example query, in any result format (Accept or ?format=)."""
    found = find_example(query_id)
    if found is None:
        raise NotFound(
            Message(
                f"There is no example query called {query_id!r}; see /sparql/examples.",
                f"Det finns ingen exempelfråga som heter {query_id!r}; se /sparql/examples.",
            )
        )
    params = {key: request.args.getlist(key) for key in request.args}
    lang = reader_language()
    return run_query(
        found.text, params, title=found.title_in(lang), description=found.description_in(lang), name=found.id
    )
