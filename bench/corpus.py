"""How validation and the build scale with the data: N copies of the report as N conferences.

Copy n of every file in ``data/`` has every IRI under ``{base}id/{kind}/`` renamed to
``{base}id/{kind}/c{n}-{slug}``, so each copy is a separate, valid conference with its own
people, sessions and claims (the vocabulary, the shapes and the reference notes, which the shapes
name, are shared).
The corpus is for benchmarks only: it is written to a temporary folder and never published.

    .venv/bin/python bench/corpus.py --copies 1 10 30            # validate and build, time and peak RSS
    .venv/bin/python bench/corpus.py --copies 100 500 --steps build
    .venv/bin/python bench/corpus.py --copies 10 --steps shapes         # seconds per shapes file, fast path
    .venv/bin/python bench/corpus.py --copies 3 --steps shapes --slow   # the same with pyshacl as before issue 12
    .venv/bin/python bench/corpus.py --copies 500 --steps build --src ../before/src  # another checkout's code

``--src`` runs the commands with another checkout's ``src/`` (a ``git worktree`` of an earlier commit), so that
a figure "before" can be measured right beside the one "after": this machine's speed drifts by 10 % in an hour.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THING = re.compile(r"(https://w3id\.org/digigov-lod/id/[a-z]+/)(?!reference-notes>)")
SHARED = {"work:reference-notes": "<https://w3id.org/digigov-lod/id/work/reference-notes>"}  # one set of notes


def write_corpus(copies: int, target: Path) -> int:
    """A project folder at ``target`` whose data/ holds ``copies`` conferences; returns its size in bytes."""
    target.mkdir(parents=True, exist_ok=True)
    for shared in ("shapes", "ontology"):
        (target / shared).symlink_to(ROOT / shared, target_is_directory=True)
    data = target / "data"
    data.mkdir()
    for other in sorted((ROOT / "data").iterdir()):  # the catalog's facts (catalog.toml): one release, one catalog
        if other.is_file() and other.suffix != ".ttl":
            shutil.copyfile(other, data / other.name)
    size = 0
    for source in sorted((ROOT / "data").glob("*.ttl")):
        text = source.read_text(encoding="utf-8")
        for name, iri in SHARED.items():
            text = re.sub(rf"(?<![\w:-]){re.escape(name)}(?![\w-])", iri, text)
        for n in range(copies):
            copy = text if n == 0 else THING.sub(rf"\g<1>c{n}-", text)
            path = data / f"{source.stem}-{n:04d}.ttl"
            path.write_text(copy, encoding="utf-8")
            size += len(copy.encode())
    return size


def timed(command: list[str], cwd: Path, src: Path | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB of this one child, and its last output line.

    ``os.wait4`` gives the child's own resource usage, so a small run after a large one reports its own peak.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        env = {**os.environ, "PYTHONPATH": str(src.resolve())} if src is not None else None
        child = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if child.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{text[-2000:]}")
    lines = text.strip().splitlines()
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def per_shapes_file(project: Path, slow: bool) -> None:
    """Seconds per shapes file alone, in this process: the fast path, or (``slow``) pyshacl as before issue 12."""
    from pyshacl import validate as pyshacl_validate
    from rdflib import Graph

    from digigov_lod.config import Settings
    from digigov_lod.graph import load_files, source_files
    from digigov_lod.inference import materialise
    from digigov_lod.validation import validate

    settings = Settings(project_root=project)
    graph = load_files(source_files(settings.data_dir), settings.base_iri)
    ontology = load_files(source_files(settings.ontology_dir), settings.base_iri)
    graph += ontology
    materialise(graph, settings.base_iri)
    folder = ROOT / ("tests/fixtures/shapes-reference" if slow else "shapes")
    for path in sorted(folder.glob("*.ttl")):
        shapes = Graph().parse(path)
        started, cpu_started = time.perf_counter(), time.process_time()
        if slow:
            options = {"inference": "none", "advanced": True, "allow_warnings": True, "meta_shacl": False}
            pyshacl_validate(graph, shacl_graph=shapes, ont_graph=ontology, **options)
        else:
            validate(graph, shapes, ontology)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"| {path.name} | {'slow' if slow else 'fast'} | {wall:.1f} | {cpu:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--steps", nargs="+", choices=["validate", "build", "shapes"], default=["validate", "build"])
    parser.add_argument("--slow", action="store_true", help="the shapes step with pyshacl as before issue 12")
    parser.add_argument("--src", type=Path, help="validate and build with another checkout's src/ (before/after)")
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("digigov-lod"))
    print("| copies | data MB | step | wall s | CPU s | peak RSS MB | last line |")
    print("|---|---|---|---|---|---|---|")
    for copies in args.copies:
        with tempfile.TemporaryDirectory(prefix="digigov-corpus-") as folder:
            project = Path(folder)
            size = write_corpus(copies, project)
            for step in args.steps:
                if step == "shapes":
                    print(f"| {copies} copies: shapes file | path | wall s | CPU s |\n|---|---|---|---|", flush=True)
                    per_shapes_file(project, args.slow)
                    continue
                command = [cli, step] + (["--release", str(project / "dist")] if step == "build" else [])
                seconds, cpu, rss, last = timed(command, project, args.src)
                row = f"| {copies} | {size / 1e6:.1f} | {step} | {seconds:.1f} | {cpu:.1f} | {rss:.0f} | {last[:80]} |"
                print(row, flush=True)
            shutil.rmtree(project / "dist", ignore_errors=True)


if __name__ == "__main__":
    main()
