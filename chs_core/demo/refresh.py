"""Keep the bundled demo database current: (re)build data/demo.duckdb when it is missing or its build stamp is not
this code's (stamp.py), with the parameters it was built with. Any other path is never touched."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from chs_core.demo.build import build_demo_database, demo_knobs
from chs_core.demo.stamp import read_stamp, rebuild_reason
from chs_core.settings import DEMO_DATABASE

REBUILD_COMMAND = "python -m chs_core demo --force"


def _as_kwargs(params: dict) -> dict:
    """Recorded parameters back as build arguments (dates parsed; a knob this code no longer has is dropped)."""
    knobs = demo_knobs()
    return {k: date.fromisoformat(v) if isinstance(knobs[k].default, date) else v
            for k, v in params.items() if k in knobs}


def rebuild(path: str | Path) -> Path:
    """Build the demo at `path` again, replacing the file, with the parameters it was built with (else the defaults:
    a user's `chs demo --accounts 5000` stays 5,000 accounts after a pull)."""
    path = Path(path)
    try:
        stamp = read_stamp(path) if path.exists() else None
    except duckdb.Error:
        stamp = None
    return build_demo_database(path, overwrite=True, **(_as_kwargs(stamp.params) if stamp else {}))


def ensure_demo(path: str | Path, bundled: str | Path = DEMO_DATABASE,
                say: Callable[[str], None] | None = None) -> str | None:
    """When `path` is the bundled demo path and that file is missing or stale, (re)build it and return why; any
    other path (a user's own database, a folder, a URL) is left alone and None returned."""
    if str(path).startswith(("postgres://", "postgresql://")) or Path(path).resolve() != Path(bundled).resolve():
        return None
    reason = rebuild_reason(path)
    if reason is None:
        return None
    if say is not None:
        say(f"Building the demo database at {path} ({reason}); a few seconds. By hand: {REBUILD_COMMAND}")
    rebuild(path)
    return reason
