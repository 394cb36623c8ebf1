"""The architecture, pinned: the web layer reads the release only through the Store, never the whole
knowledge graph, keeps no module-level caches, and the package import graph has no cycle.

Read from the source (``ast``), so a change that breaks a rule fails here with the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "digigov_lod"

#: Calls that parse RDF or open files: under web/ only the Store may make them.
FORBIDDEN_IN_WEB = {"Graph", "parse", "load_graph", "open", "read_bytes", "read_text", "require"}
#: The few file reads in web/ that are not of the release, with why they are allowed.
ALLOWED_IN_WEB = {
    ("__init__.py", "read_bytes"): "code_fingerprint hashes the package's own files",
    ("__init__.py", "open"): "Release.open reads the manifest once, to make the Site",
    ("gunicorn_conf.py", "open"): "Release.open: the master names the release it serves",
    ("gunicorn_worker.py", "read_text"): "reads the worker's age file, not the release",
}
#: Module-level caches of shipped package files (never of a release, so never stale), with why.
ALLOWED_MODULE_CACHES = {
    ("sparql/examples.py", "load_examples"): "the example queries ship with the package",
    ("web/sparql_views.py", "_bundle_built"): "whether the package's editor bundle is built",
}
CACHE_DECORATORS = {"cache", "lru_cache", "cached"}
MUTABLE_CALLS = {"dict", "list", "set", "OrderedDict", "defaultdict", "LruCache", "WeakValueDictionary"}


def _modules(folder: Path) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(folder.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_no_module_under_web_parses_rdf_or_opens_release_files() -> None:
    found = []
    for path, tree in _modules(PACKAGE / "web"):
        for node in ast.walk(tree):
            name = _called_name(node) if isinstance(node, ast.Call) else None
            if name in FORBIDDEN_IN_WEB and (path.name, name) not in ALLOWED_IN_WEB:
                found.append(f"web/{path.relative_to(PACKAGE / 'web')}:{node.lineno}: {name}(…)")
    assert found == [], "read the release through site.store instead:\n" + "\n".join(found)


def test_no_web_process_reads_the_whole_knowledge_graph() -> None:
    """Pages read page queries' answers (sparql/pages/*.rq): a web process holding the whole graph would
    grow with the release (400 MB at 100 copies of the report)."""
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}"
        for folder in ("web", "sparql")
        for path, tree in _modules(PACKAGE / folder)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node) == "load_graph"
    ]
    assert found == []


def _is_mutable_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    return isinstance(value, ast.Call) and _called_name(value) in MUTABLE_CALLS


def _module_caches(path: Path, tree: ast.Module) -> Iterator[str]:
    """Module-level mutable state (a lower-case name bound to a container) and memoised functions."""
    where = path.relative_to(PACKAGE).as_posix()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("__")]
            for name in names:
                constant_table = name.lstrip("_").isupper()  # a table spelt in the code, not filled at run time
                if _is_mutable_value(node.value) and (not constant_table or _called_name_is_cache(node.value)):
                    yield f"{where}:{node.lineno}: {name}"
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
                if name in CACHE_DECORATORS and (where, node.name) not in ALLOWED_MODULE_CACHES:
                    yield f"{where}:{node.lineno}: @{name} {node.name}"


def _called_name_is_cache(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and _called_name(value) in {"LruCache", "OrderedDict", "WeakValueDictionary"}


def test_no_module_level_caches_in_web_or_sparql() -> None:
    found = [
        line
        for folder in ("web", "sparql")
        for path, tree in _modules(PACKAGE / folder)
        for line in _module_caches(path, tree)
    ]
    assert found == [], "keep caches on the per-release Site or Store:\n" + "\n".join(found)


def _imports(path: Path, tree: ast.Module) -> Iterator[str]:
    """Every module of the package ``path`` imports (at any level: a lazy import is still a dependency)."""
    module = ".".join(("digigov_lod", *path.relative_to(PACKAGE).with_suffix("").parts))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("digigov_lod"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("digigov_lod"):
                yield target


def _unit(module: str) -> str:
    """The package-level unit of a module: ``digigov_lod.web.site`` → ``web``; top-level modules stand alone."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "digigov_lod"


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path, tree in _modules(PACKAGE):
        source = _unit(".".join(("digigov_lod", *path.relative_to(PACKAGE).with_suffix("").parts)))
        for target in _imports(path, tree):
            unit = _unit(target)
            if unit not in (source, "digigov_lod"):  # the root package only holds the version
                graph.setdefault(source, set()).add(unit)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = package_graph()
    assert {"web", "sparql", "config", "release"} <= set(graph) | {u for t in graph.values() for u in t}
    assert "web" not in graph.get("sparql", set()), "the query layer must not know the web layer"
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
