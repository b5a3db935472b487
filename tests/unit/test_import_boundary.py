"""The layering holds: app_pages -> chs_app -> chs_core, chs_core never imports streamlit, and no import cycle."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"app_pages": 0, "chs_app": 1, "chs_core": 2}  # a module may import only from its own layer or a lower one

# Runs in a fresh interpreter, so nothing this test process already imported can hide an import.
SCRIPT = """
import importlib, pkgutil, sys
import chs_core
names = sorted(m.name for m in pkgutil.walk_packages(chs_core.__path__, "chs_core."))
names = [n for n in names if n != "chs_core.__main__"]  # __main__ runs the CLI on import
for name in names:
    importlib.import_module(name)
print("\\n".join(names))
print("STREAMLIT" if any(m == "streamlit" or m.startswith("streamlit.") for m in sys.modules) else "CLEAN")
"""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of import nodes under `if TYPE_CHECKING:` (never executed, so no cycle)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    return skipped


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text())
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _project_modules() -> dict[str, Path]:
    files = [p for top in LAYERS for p in (ROOT / top).rglob("*.py")]
    return {_module_name(p): p for p in files if "__pycache__" not in p.parts}


def test_every_chs_core_module_imports_without_streamlit():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    on_disk = {m for m in _project_modules() if m.startswith("chs_core.") and m != "chs_core.__main__"}
    assert on_disk <= set(lines[:-1])
    for name in ("cli", "pipeline", "sources", "validation", "metrics", "model", "scoring", "kpis", "outcomes", "demo"):
        assert f"chs_core.{name}" in lines
    assert lines[-1] == "CLEAN"


def test_layers_only_import_downwards():
    wrong = []
    for name, path in _project_modules().items():
        layer = LAYERS[name.split(".")[0]]
        for imported in _imports(path):
            top = imported.split(".")[0]
            if top in LAYERS and LAYERS[top] < layer:
                wrong.append(f"{name} imports {imported}")
            if top == "streamlit" and name.startswith("chs_core"):
                wrong.append(f"{name} imports streamlit")
    assert wrong == []


def test_no_import_cycle_between_modules():
    modules = _project_modules()
    graph = {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}
    # A package's __init__ re-exporting its own submodules is not a cycle; importing the package from inside it is.
    for name in graph:
        graph[name] = {i for i in graph[name] if not (name.startswith(i + ".") and modules[i].name == "__init__.py")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_no_module_over_300_lines():
    long = {name: n for name, path in _project_modules().items() if (n := len(path.read_text().splitlines())) > 300}
    assert long == {}


def test_cli_entry_point_does_not_import_streamlit():
    # `python -m chs_core --help` imports chs_core.__main__ and exits 0 before any command runs
    script = ("import runpy, sys\nsys.argv = ['chs_core', '--help']\n"
              "try:\n    runpy.run_module('chs_core', run_name='__main__')\nexcept SystemExit as e:\n"
              "    assert e.code == 0, e.code\nassert 'streamlit' not in sys.modules\nprint('OK')")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("OK")


SQL_WORDS = re.compile(r"\b(SELECT|CREATE (?:VIEW|TABLE)|INSERT INTO|COPY|ATTACH|DESCRIBE)\b")


def _sql_strings(path: Path) -> bool:
    """Whether a module holds SQL text in a string literal."""
    return any(isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WORDS.search(node.value)
               for node in ast.walk(ast.parse(path.read_text())))


def test_sql_lives_in_sql_files_or_one_module_per_package():
    by_package: dict[str, list[str]] = {}
    for name, path in _project_modules().items():
        if name.startswith("chs_core") and _sql_strings(path):
            by_package.setdefault(name.rsplit(".", 1)[0], []).append(name)
    assert {pkg: mods for pkg, mods in by_package.items() if len(mods) > 1} == {}
    assert "chs_core" not in by_package  # top-level modules (pipeline, settings, ...) hold no SQL


def test_nothing_outside_sources_reaches_into_the_connection():
    offenders = []
    for name, path in _project_modules().items():
        if name.startswith("chs_core.sources"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "con":
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []
