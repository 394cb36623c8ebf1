"""Sybil parsers and evaluators that run the code blocks of README.md and docs/*.md (conventions: test_docs.py)."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
import requests
from click.testing import CliRunner
from support import PROJECT_ROOT, start_server
from sybil import Document, Example, Region
from sybil.parsers.markdown import SkipParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

DOC_URL = "http://127.0.0.1:8000"  # the address the docs use; replaced by the live server's
RUNNABLE = ("sh", "python", "sparql")
CHECKS = ("cli", "paths", "names")  # what an unlabelled block may be checked as
BLOCK_TIMEOUT_S = 180
DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]

BLOCKS = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r"(?P<language>[^\n]*)$\n", re.MULTILINE),
    mapping={"language": "language", "source": "source"},
)
MARKER = re.compile(r"<!-- docs: (?P<directive>[\w-]+) -->\s*\Z")
OUTPUT_LEAD = re.compile(r"\A\s*\n\s*Output:\s*\n\s*\Z")


@dataclass
class Update:
    """An output block to rewrite with what the block printed (``DOCS_UPDATE=1``)."""

    path: Path
    start: int
    end: int
    text: str


@dataclass
class DocsContext:
    """What the evaluators need from pytest's fixtures."""

    server_url: str  # the live server, without the trailing slash
    release_path: Path  # the session's release (the `dist` link of a built release)
    make_tmp: Callable[[], Path]
    update: bool = False
    updates: list[Update] = field(default_factory=list)

    def to_live(self, text: str, url: str | None = None) -> str:
        return text.replace(DOC_URL, url or self.server_url)

    def from_live(self, text: str, url: str | None = None) -> str:
        return text.replace(url or self.server_url, DOC_URL)


@dataclass
class Block:
    """One fenced block, with the output block shown after it and the marker before it, if any."""

    language: str
    source: str
    directive: str | None = None
    output: str | None = None
    output_span: tuple[int, int] | None = None  # where the output's text is in the file, for DOCS_UPDATE

    @property
    def kind(self) -> str:
        return self.directive or self.language or "block"


def fenced_blocks(document: Document) -> list[Region]:
    """Every fenced block of a Markdown document, in order; lexemes ``language`` and ``source``."""
    return sorted(BLOCKS(document), key=lambda region: region.start)


def docs_parser(document: Document) -> Iterable[Region]:
    """Regions for the runnable blocks (with their output) and for the unlabelled blocks marked for a check."""
    blocks = fenced_blocks(document)
    used: set[int] = set()
    for index, region in enumerate(blocks):
        if index in used:
            continue
        language = region.lexemes["language"].strip()
        start = region.start
        marker = MARKER.search(document.text, 0, region.start)  # only blank space between it and the block
        directive = None
        if marker:
            directive, start = marker["directive"], marker.start()
        if language not in RUNNABLE and directive not in CHECKS:
            continue  # not ours: the coverage test names it
        block = Block(language, str(region.lexemes["source"]), directive)
        end = region.end
        if language in RUNNABLE and index + 1 < len(blocks):
            following = blocks[index + 1]
            between = document.text[region.end : following.start]
            if following.lexemes["language"].strip() == "text" and OUTPUT_LEAD.match(between):
                block.output = str(following.lexemes["source"])
                content = following.start + following.lexemes["source"].offset
                block.output_span = (content, content + len(block.output))
                end = following.end
                used.add(index + 1)
        yield Region(start, end, parsed=block, evaluator=evaluate)


def document(path: Path) -> Document:
    return Document.parse(str(path), SkipParser(), docs_parser)


def uncovered_blocks(doc: Document) -> list[str]:
    """Fenced blocks that no region runs or checks: each must be run, checked or skipped with a reason."""
    spans = [(region.start, region.end) for _, region in doc.regions]
    return [
        f"{doc.line_column(block.start)}: ```{block.lexemes['language'].strip()}"
        for block in fenced_blocks(doc)
        if not any(start <= block.start and block.end <= end for start, end in spans)
    ]


# --- evaluation -------------------------------------------------------------------------------------------------


def evaluate(example: Example) -> str | None:
    """Run or check one block; a failure message, or None."""
    context: DocsContext = example.namespace["docs"]
    block: Block = example.parsed
    if block.directive in CHECKS:
        return CHECKERS[block.directive](block.source)
    if block.directive not in (None, "own-server") or (block.directive and block.language != "sh"):
        raise ValueError(f"unknown marker <!-- docs: {block.directive} --> for a ```{block.language} block")
    if block.language == "sh" and block.directive == "own-server":
        output = run_with_own_server(context, block.source)
    elif block.language == "sh":
        output = run_process(["bash", "-e", "-c", context.to_live(block.source)], PROJECT_ROOT)
        output = context.from_live(output)
    elif block.language == "python":
        output = context.from_live(run_process([str(venv_bin() / "python"), "-c", context.to_live(block.source)]))
    else:
        output = run_sparql(context, block.source)
    if block.output is None:
        return None
    difference = compare(block.output, output)
    if difference and context.update and block.output_span:
        context.updates.append(Update(Path(example.path), *block.output_span, output.rstrip("\n") + "\n"))
        return None
    return difference


def venv_bin() -> Path:
    """The project's virtualenv, as the docs say (`.venv/bin`), else the one running the tests."""
    own = PROJECT_ROOT / ".venv" / "bin"
    return own if (own / "python").exists() else Path(sys.executable).parent


class BlockFailed(AssertionError):
    pass


def run_process(command: list[str], cwd: Path = PROJECT_ROOT) -> str:
    """stdout of a command run as a reader would run it; fails on a non-zero exit, showing stderr."""
    # as a reader's shell would be: not inside `make test` (a make run from it would say "make[1]: Entering …")
    outer = {key: value for key, value in os.environ.items() if key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    env = {**outer, "PATH": f"{venv_bin()}{os.pathsep}{os.environ.get('PATH', '')}"}
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=BLOCK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the block's own process group: a server it started goes too
        stdout, stderr = process.communicate()
        message = f"still running after {BLOCK_TIMEOUT_S} s\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        raise BlockFailed(message) from None
    if process.returncode != 0:
        raise BlockFailed(f"exit status {process.returncode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}")
    return stdout


def run_sparql(context: DocsContext, query: str) -> str:
    """A ```sparql block must be answered 200 by the live server; its output is the CSV result."""
    answer = requests.post(
        context.server_url + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=30
    )
    if answer.status_code != 200:
        raise BlockFailed(f"the endpoint answered {answer.status_code}: {answer.text[:2000]}")
    return context.from_live(answer.text.replace("\r\n", "\n"))


def compare(expected: str, actual: str) -> str | None:
    """doctest's comparison with ELLIPSIS (``...`` matches anything); trailing blanks and newlines do not count."""
    want, got = (
        "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines()) + "\n" for text in (expected, actual)
    )
    checker = doctest.OutputChecker()
    if checker.check_output(want, got, doctest.ELLIPSIS):
        return None
    flags = doctest.ELLIPSIS | doctest.REPORT_NDIFF
    return "the output differs from the doc:\n" + checker.output_difference(doctest.Example("", want), got, flags)


# --- a temporary copy with its own server, for the publisher's edit-build-reload -------------------------------

PUBLISHER_FILES = ("data", "ontology", "shapes", "Makefile", "pyproject.toml")


def run_with_own_server(context: DocsContext, source: str) -> str:
    """Run a block in a copy of the project served as `make run` serves it (pid file included).

    The copy has the sources, the Makefile and the real `.venv` (linked), and the session's release as its `dist`;
    the block may rebuild and reload it. Afterwards the server must still answer."""
    copy = context.make_tmp() / "project"
    copy.mkdir()
    for name in PUBLISHER_FILES:
        origin = PROJECT_ROOT / name
        (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, copy / name)  # copy2 keeps mtimes for make
    (copy / ".venv").symlink_to(venv_bin().parent)
    if subprocess.run(["make", "-q", ".venv/.installed"], cwd=copy, check=False).returncode != 0:
        raise BlockFailed("the virtualenv is older than pyproject.toml: run `make .venv/.installed-test` first")
    release = context.release_path.resolve()
    shutil.copytree(release, copy / ".dist-releases" / release.name)
    (copy / "dist").symlink_to(Path(".dist-releases") / release.name)
    server = start_server(Path("dist"), cwd=copy)
    url = server.url.rstrip("/")
    try:
        (copy / ".gunicorn.pid").write_text(f"{server.process.pid}\n")
        output = run_process(["bash", "-e", "-c", context.to_live(source, url)], copy)
        deadline = time.monotonic() + 30
        while server.process.poll() is None:
            try:
                if requests.get(server.url, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise BlockFailed("the server no longer answers after the block")
            time.sleep(0.2)
        if server.process.poll() is not None:
            raise BlockFailed(f"the server stopped during the block (exit status {server.process.returncode})")
        return context.from_live(output, url)
    finally:
        if server.process.poll() is None:
            server.stop()


# --- checks for unlabelled blocks -------------------------------------------------------------------------------

SYNOPSIS = re.compile(r"^digigov-lod (?P<command>[\w-]+)(?P<rest>.*)$")
OPTION = re.compile(r"(--[\w-]+)(?: (?P<choices>[\w-]+(?:\|[\w-]+)+))?")


def check_cli(source: str) -> str | None:
    """Each line `digigov-lod CMD [--opt a|b] …` names a command whose `--help` works and whose options (and
    choices) are exactly the ones shown; every command of the CLI has a line."""
    from digigov_lod.cli import main

    problems = []
    documented = set()
    for line in source.splitlines():
        match = SYNOPSIS.match(line.strip())
        if not match:
            problems.append(f"not a `digigov-lod COMMAND …` line: {line!r}")
            continue
        name = match["command"]
        documented.add(name)
        command = main.commands.get(name)
        if command is None:
            problems.append(f"`digigov-lod {name}` is no command")
            continue
        result = CliRunner().invoke(main, [name, "--help"])
        if result.exit_code != 0:
            problems.append(f"`digigov-lod {name} --help` exits {result.exit_code}: {result.output}")
        synopsis = match["rest"].split("  ")[0]  # the description starts after two spaces
        shown = {option: choices for option, choices in OPTION.findall(synopsis)}
        offered = {
            option: param
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden
            for option in param.opts
            if option.startswith("--") and option != "--help"
        }
        if set(shown) != set(offered):
            problems.append(f"`digigov-lod {name}` offers {sorted(offered)}, the doc shows {sorted(shown)}")
        for option, choices in shown.items():
            param = offered.get(option)
            choice = param.type if param is not None and isinstance(param.type, click.Choice) else None
            if choices and choice is not None and set(choices.split("|")) != set(choice.choices):
                problems.append(f"`{name} {option}` takes {list(choice.choices)}, the doc shows {choices}")
    missing = set(main.commands) - documented
    if missing:
        problems.append(f"commands without a line: {sorted(missing)}")
    return "\n".join(problems) or None


PATH_WORD = re.compile(r"^[\w.-]+(?:/[\w.-]+)*/?$")


def check_paths(source: str) -> str | None:
    """A layout listing: each line's leading words that are paths (`x/`, `x.py`) exist; an indented line's paths
    are inside the last unindented folder."""
    missing = []
    folder = ""
    for line in source.splitlines():
        indented = line.startswith(" ")
        words = []
        for word in line.split():
            if not PATH_WORD.match(word) or not (word.endswith("/") or "." in word):
                break
            words.append(word)
        if not indented and len(words) == 1 and words[0].endswith("/"):
            folder = words[0]
        for word in words:
            path = (folder if indented else "") + word
            if not (PROJECT_ROOT / path).exists():
                missing.append(path)
    return f"listed but missing: {missing}" if missing else None


DOTTED = re.compile(r"(?<![\w./*])([a-z_]+(?:\.[A-Za-z_]\w*)+)(?![\w/])")
GLOB = re.compile(r"[\w-]+/\*\.\w+")


def check_names(source: str) -> str | None:
    """A diagram: each dotted name (`graph.load_sources`) resolves in `digigov_lod`, each glob (`data/*.ttl`) has
    files."""
    problems = []
    for name in DOTTED.findall(source):
        module, _, attribute = name.rpartition(".")
        try:
            if not hasattr(importlib.import_module(f"digigov_lod.{module}"), attribute):
                problems.append(f"digigov_lod.{module} has no {attribute}")
        except ImportError:
            problems.append(f"no module digigov_lod.{module}")
    problems += [f"{glob} matches no file" for glob in GLOB.findall(source) if not list(PROJECT_ROOT.glob(glob))]
    return "\n".join(problems) or None


CHECKERS: dict[str, Callable[[str], str | None]] = {"cli": check_cli, "paths": check_paths, "names": check_names}


# --- commands in the prose ---------------------------------------------------------------------------------------

INLINE = re.compile(r"(?<!`)`((?:\.venv/bin/)?digigov-lod [^`]+|make [^`]+)`(?!`)")
MAKE_TARGET = re.compile(r"^([\w.-]+):", re.MULTILINE)
MAKE_VARIABLE = re.compile(r"^([A-Z_]+) \?=", re.MULTILINE)


def check_inline_commands(text: str) -> list[str]:
    """Commands quoted in the prose (`make run BASE=…`, `digigov-lod build --base IRI`) name real make targets and
    variables, and real CLI commands and options: too many are fragments to run, but none may name what is gone."""
    from digigov_lod.cli import main

    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    targets, variables = set(MAKE_TARGET.findall(makefile)), set(MAKE_VARIABLE.findall(makefile))
    problems = []
    for command in INLINE.findall(text):
        words = command.split()
        if words[0] == "make":
            for word in words[1:]:
                name = word.split("=")[0]
                if ("=" in word and name not in variables) or ("=" not in word and name not in targets):
                    problems.append(
                        f"`{command}`: the Makefile has no {'variable' if '=' in word else 'target'} {name}"
                    )
            continue
        sub = main.commands.get(words[1])
        if sub is None:
            problems.append(f"`{command}`: no command {words[1]}")
            continue
        options = {option for param in sub.params for option in getattr(param, "opts", [])}
        problems += [f"`{command}`: no option {option}" for option in re.findall(r"--[\w-]+", command)
                     if option not in options]  # fmt: skip
    return problems
