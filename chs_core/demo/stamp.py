"""The demo database's build stamp: which generator wrote it, with which build parameters.

An existing data/demo.duckdb would otherwise outlive a pull that changes the generator, and everyone would look at
stale demo figures. The version is a digest of the generator's own code (chs_core/demo/*.py and the contract), so
no one has to remember to bump it. refresh.py rebuilds only the bundled default path; a database of the user's
own is never replaced.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from chs_core import contract

QUERIES = Path(__file__).with_name("queries")


@dataclass(frozen=True)
class Stamp:
    generator_version: str
    params: dict


def _query(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text()


@functools.cache
def generator_version() -> str:
    """A digest of the code that decides what the demo holds (line endings folded, so a checkout's do not count)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + [Path(contract.__file__)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()[:16]


def write_stamp(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Called by build_demo_database on the database it is writing; params are JSON-ready build parameters."""
    con.execute(_query("stamp_create"))
    con.execute(_query("stamp_insert"), [generator_version(), json.dumps(params, sort_keys=True)])


def read_stamp(path: str | Path) -> Stamp | None:
    """The stamp of a demo database, or None when it has none (built before stamps, or not a demo)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        if not con.execute(_query("stamp_exists")).fetchone()[0]:
            return None
        row = con.execute(_query("stamp_read")).fetchone()
    finally:
        con.close()
    return None if row is None else Stamp(row[0], json.loads(row[1]))


def rebuild_reason(path: str | Path) -> str | None:
    """Why the demo database at `path` must be (re)built, or None when it is what this code would build."""
    path = Path(path)
    if not path.exists():
        return "it does not exist yet"
    stat = path.stat()
    return _reason_for(str(path), stat.st_mtime_ns, stat.st_size, generator_version())


@functools.lru_cache(maxsize=8)
def _reason_for(path: str, mtime_ns: int, size: int, version: str) -> str | None:
    """Cached per file state: the app asks on every script run."""
    try:
        stamp = read_stamp(path)
    except duckdb.Error as exc:
        return f"it cannot be read as a DuckDB database ({str(exc).splitlines()[0]})"
    if stamp is None:
        return "it was built before demo databases carried a build stamp"
    if stamp.generator_version != version:
        return (f"it was built by another version of the demo generator ({stamp.generator_version}; this code "
                f"writes {version})")
    return None
