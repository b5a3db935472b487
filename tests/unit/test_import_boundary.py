"""chs_core is the pure-Python core: importing any of its modules must never pull in streamlit."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import chs_core

ROOT = Path(__file__).resolve().parents[2]

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


def test_no_chs_core_module_imports_streamlit():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    # every module was really imported, the ones named in the brief among them
    expected = {p.stem for p in Path(chs_core.__file__).parent.glob("*.py")} - {"__init__", "__main__"}
    assert {f"chs_core.{m}" for m in expected} <= set(lines[:-1])
    for name in ("cli", "pipeline", "executive", "metrics", "scoring", "demo", "loading", "validation"):
        assert f"chs_core.{name}" in lines
    assert lines[-1] == "CLEAN"


def test_cli_entry_point_does_not_import_streamlit():
    # `python -m chs_core --help` imports chs_core.__main__ and exits 0 before any command runs
    script = ("import runpy, sys\nsys.argv = ['chs_core', '--help']\n"
              "try:\n    runpy.run_module('chs_core', run_name='__main__')\nexcept SystemExit as e:\n"
              "    assert e.code == 0, e.code\nassert 'streamlit' not in sys.modules\nprint('OK')")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("OK")
