"""Tested documentation: every fenced block of README.md and docs/*.md runs or is checked (issue 14).

Sybil finds the blocks (its Markdown lexer, its `skip` directive); `doc_examples.py` runs them. The rules:

- The docs say `http://127.0.0.1:8000` (what `make run` serves). The runner puts the live server's URL in its
  place in every block before running it, and puts `http://127.0.0.1:8000` back in the output before comparing.
- ```` ```sh ````: run by `bash -e` with `.venv/bin` first on PATH and the project root as cwd; must exit 0.
- ```` ```python ````: run by `.venv/bin/python -c` (the packages `make test` installs), cwd the project root.
- ```` ```sparql ````: POSTed to the live server's `/sparql`; must be answered 200 (its output is the CSV result).
- Output: a line `Output:` and then a ```` ```text ```` block right after a runnable block is what it prints on
  stdout. It must match, as doctest compares with ELLIPSIS: `...` stands for any text (timings, hashes);
  trailing blanks and newlines do not count. `DOCS_UPDATE=1 pytest tests/test_docs.py` rewrites every output
  block that differs with what the block printed (put the `...` back where a part is volatile).
- `<!-- docs: own-server -->` right above a ```` ```sh ```` block: it runs in a temporary copy of the project
  (sources, Makefile, the real `.venv` linked, the session's release as `dist`) that a server started as
  `make run` starts it serves, with its pid in `.gunicorn.pid`; so `make build` and `make reload` touch neither
  the checkout's `dist/` nor any other server. That server must still answer afterwards.
- Unlabelled blocks are checked, not run, when marked right above: `<!-- docs: cli -->` (each line
  `digigov-lod CMD …` is a command whose `--help` works, with exactly the options and choices shown, and every
  command has a line), `<!-- docs: paths -->` (a layout: the paths listed exist), `<!-- docs: names -->` (a
  diagram: dotted names resolve in `digigov_lod`, globs match files).
- `<!-- skip: next "reason" -->` (Sybil) skips the next block; the reason shows in pytest's summary.
- Any other fenced block fails `test_every_block_is_run_checked_or_skipped`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import unittest
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_examples import (
    DOC_URL,
    DOCS,
    INLINE,
    Block,
    BlockFailed,
    DocsContext,
    check_inline_commands,
    compare,
    document,
    uncovered_blocks,
    venv_bin,
)
from support import PROJECT_ROOT, LiveServer
from sybil import Example
from sybil.example import SybilFailure

from digigov_lod.release import Release

DOCUMENTS = {path: document(path) for path in DOCS}
EXAMPLES = [example for doc in DOCUMENTS.values() for example in doc.examples()]


def example_id(example: Example) -> str:
    kind = getattr(example.parsed, "kind", "skip")
    return f"{Path(example.path).relative_to(PROJECT_ROOT)}:{example.line}:{kind}"


@pytest.fixture(scope="module")
def docs_context(
    live_server: LiveServer, release: Release, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DocsContext]:
    context = DocsContext(
        server_url=live_server.url.rstrip("/"),
        release_path=release.path,
        make_tmp=lambda: tmp_path_factory.mktemp("docs"),
        update=os.environ.get("DOCS_UPDATE") == "1",
    )
    yield context
    for update in sorted(context.updates, key=lambda update: update.start, reverse=True):
        text = update.path.read_text(encoding="utf-8")
        update.path.write_text(text[: update.start] + update.text + text[update.end :], encoding="utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_doc_block(example: Example, docs_context: DocsContext) -> None:
    example.namespace["docs"] = docs_context
    problem = None
    try:
        example.evaluate()
    except unittest.SkipTest as skip:
        pytest.skip(f"{example_id(example)}: {skip}")
    except (BlockFailed, SybilFailure) as failure:
        problem = f"{example_id(example)}: {getattr(failure, 'result', failure)}"
    if problem:
        pytest.fail(problem, pytrace=False)  # outside the except: the message alone, not two tracebacks


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_every_block_is_run_checked_or_skipped(path: Path) -> None:
    assert uncovered_blocks(DOCUMENTS[path]) == [], (
        "give each block a language the runner knows (sh, python, sparql; text after `Output:`), "
        'a check marker, or <!-- skip: next "reason" --> (see tests/test_docs.py)'
    )


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_commands_in_the_prose_name_real_targets_commands_and_options(path: Path) -> None:
    assert check_inline_commands(path.read_text(encoding="utf-8")) == []


# --- the runner itself: a doc that drifts must fail ----------------------------------------------------------


def run_doc(tmp_path: Path, text: str, context: DocsContext) -> list[str]:
    """Evaluate a made-up document; the failures and skips, as 'line: message'."""
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    context = dataclasses.replace(context, update=False, updates=[])  # DOCS_UPDATE is for the real docs only
    doc = document(path)
    results = []
    for example in doc.examples():
        example.namespace["docs"] = context
        try:
            example.evaluate()
        except (BlockFailed, SybilFailure) as failure:
            results.append(f"{example.line}: fail {getattr(failure, 'result', failure)}")
        except Exception as error:  # the skip (unittest.SkipTest), and anything unexpected
            results.append(f"{example.line}: {type(error).__name__} {error}")
    return results + [f"uncovered {block}" for block in uncovered_blocks(doc)]


def fence(language: str, body: str) -> str:
    return f"```{language}\n{body}\n```\n"


def test_shown_output_is_checked_with_ellipsis_and_the_docs_address(tmp_path: Path, docs_context: DocsContext) -> None:
    url = f"curl -s {DOC_URL}/robots.txt | head -n 1"
    good = fence("sh", url) + "\nOutput:\n\n" + fence("text", "User-agent: *")
    assert run_doc(tmp_path, good, docs_context) == []
    wildcard = fence("python", "print('took 0.123 s'); print('" + DOC_URL + "/x')")
    wildcard += "Output:\n" + fence("text", f"took ... s\n{DOC_URL}/x")
    assert run_doc(tmp_path, wildcard, docs_context) == []
    drifted = fence("sh", "echo 3") + "Output:\n" + fence("text", "2")
    [failure] = run_doc(tmp_path, drifted, docs_context)
    assert failure.startswith("1: fail the output differs") and "- 2" in failure and "+ 3" in failure


def test_a_failing_block_fails(tmp_path: Path, docs_context: DocsContext) -> None:
    [failure] = run_doc(tmp_path, fence("sh", "false\necho never"), docs_context)
    assert "exit status 1" in failure
    [failure] = run_doc(tmp_path, fence("python", "import no_such_module"), docs_context)
    assert "ModuleNotFoundError" in failure


def test_sparql_blocks_must_be_answered_200(tmp_path: Path, docs_context: DocsContext) -> None:
    good = fence("sparql", "SELECT ?name WHERE { event:digigov-2017 schema:name ?name FILTER(lang(?name) = 'en') }")
    good += "Output:\n" + fence("text", "name\nDigiGov – top leaders' forum ...")
    assert run_doc(tmp_path, good, docs_context) == []
    [failure] = run_doc(tmp_path, fence("sparql", "SELECT * WHERE { ?s ?p }"), docs_context)
    assert "answered 400" in failure


def test_unmarked_blocks_are_named_and_skips_give_their_reason(tmp_path: Path, docs_context: DocsContext) -> None:
    text = fence("", "a diagram") + fence("turtle", "<a> <b> <c> .")
    text += '<!-- skip: next "serves until stopped" -->\n' + fence("sh", "make run")
    text += "Output:\n" + fence("text", "never compared")
    assert run_doc(tmp_path, text, docs_context) == [
        "8: SkipTest serves until stopped",
        "uncovered line 1, column 1: ```",
        "uncovered line 4, column 1: ```turtle",
    ]


def test_the_checks_of_unlabelled_blocks_find_drift(tmp_path: Path, docs_context: DocsContext) -> None:
    cli = "<!-- docs: cli -->\n" + fence("", "digigov-lod build [--release DIR]  validate\ndigigov-lod publish")
    paths = "<!-- docs: paths -->\n" + fence("", "src/digigov_lod/\n  iris.py gone.py  the IRIs")
    names = "<!-- docs: names -->\n" + fence("", "graph.load_sources ─▶ graph.load_everything ─▶ data/*.ttl")
    failures = run_doc(tmp_path, cli + paths + names, docs_context)
    assert len(failures) == 3
    assert "offers ['--base', '--release'], the doc shows ['--release']" in failures[0]
    assert "`digigov-lod publish` is no command" in failures[0] and "'embed'" in failures[0]
    assert "listed but missing: ['src/digigov_lod/gone.py']" in failures[1]
    assert failures[2].endswith("fail digigov_lod.graph has no load_everything")


def test_compare_ignores_trailing_blanks_only() -> None:
    assert compare("a\nb\n\n", "a  \nb") is None
    assert compare("a\n...\nz", "a\nb\nc\nz\n") is None
    assert compare("a b", "a  b") is not None


def test_the_skipped_benchmark_blocks_show_options_the_benchmarks_take() -> None:
    """Benchmark blocks are skipped (minutes of load); each command line must still be one its script accepts."""
    lines = [
        line
        for example in EXAMPLES
        if isinstance(example.parsed, Block)
        for line in example.parsed.source.splitlines()
        if re.match(r"\.venv/bin/python bench/\w+\.py --", line)
    ]
    assert {line.split()[1] for line in lines} >= {"bench/http_bench.py", "bench/unseen_stages.py"}
    for line in lines:
        script = line.split()[1]
        shown = re.findall(r"--[\w-]+", line.split("#")[0])
        usage = subprocess.run(
            [str(venv_bin() / "python"), script, "--help"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        assert [option for option in shown if option not in usage] == [], line


def test_the_prose_check_names_what_is_gone() -> None:
    text = "Run `make deploy`, then `make run WORKERS=4`, `digigov-lod publish` or `digigov-lod build --fast`."
    assert check_inline_commands(text) == [
        "`make deploy`: the Makefile has no target deploy",
        "`make run WORKERS=4`: the Makefile has no variable WORKERS",
        "`digigov-lod publish`: no command publish",
        "`digigov-lod build --fast`: no option --fast",
    ]
    assert len(INLINE.findall((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))) > 10
