"""What a path really is, decided from its file type and first bytes before anything opens it.

Opening a named pipe blocks until someone writes to it, and DuckDB given a SQLite file tries to
load an extension; so a data file is checked here first: a regular file, of the kind its name
promises (gzip for .gz, Parquet for .parquet, a DuckDB database for a database file).
"""
from __future__ import annotations

import stat
from pathlib import Path

MAGIC = {
    "gzip": (0, b"\x1f\x8b"),
    "parquet": (0, b"PAR1"),
    "sqlite": (0, b"SQLite format 3\x00"),
    "duckdb": (8, b"DUCK"),
    "zip": (0, b"PK\x03\x04"),  # also .xlsx
}
KIND_NAMES = {"gzip": "a gzip archive", "parquet": "a Parquet file", "sqlite": "a SQLite database",
              "duckdb": "a DuckDB database", "zip": "a zip archive or an Excel workbook (.xlsx)",
              "empty": "an empty file", "text": "a text file"}


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be read as a data file (a folder, a pipe, a device, missing), or None when it can.

    Uses stat only: a FIFO is never opened, so nothing blocks.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if not stat.S_ISREG(mode):
        return "is a device or socket, not a file"
    return None


def sniff(path: Path) -> str:
    """The kind of a regular file by its first bytes: a key of MAGIC, 'empty' or 'text'."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if not head:
        return "empty"
    for kind, (offset, magic) in MAGIC.items():
        if head[offset:offset + len(magic)] == magic:
            return kind
    return "text"


def expected_kind(name: str) -> str:
    """The kind a data file's name promises."""
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def wrong_kind(path: Path) -> str | None:
    """A message when a regular file's content does not match its name (e.g. a .csv.gz that is not gzip)."""
    kind, expected = sniff(path), expected_kind(path.name)
    if kind == expected or (expected == "text" and kind == "empty"):
        return None
    if kind == "empty":
        return "is empty"
    return f"is {KIND_NAMES[kind]}, not {KIND_NAMES[expected]} as its name says"
