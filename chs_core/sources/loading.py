"""Open a data source (folder of CSV/Parquet files, or a DuckDB file) as contract-shaped views.

Every contract table exists in the returned connection as a view named after it,
with every contract column, cast to its contract type. An optional table the
user did not supply is an empty view; an optional column they did not supply is
NULL. Downstream SQL can therefore rely on one schema; `Dataset.present` says
what was really supplied, so metrics from absent tables are reported missing,
not zero.
"""
from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from chs_core.contract import TABLES, Table
from chs_core.errors import DataError, Problem

FILE_SUFFIXES = (".csv", ".parquet", ".csv.gz", ".tsv")


@dataclass
class Dataset:
    """A loaded data source: a DuckDB connection with one view per contract table."""

    con: duckdb.DuckDBPyConnection
    present: frozenset[str]  # tables the user supplied
    origin: str  # path or description, for messages
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)  # supplied columns per table
    unmatched_files: tuple[str, ...] = ()  # data files in the folder that match no contract table
    read_problems: tuple[Problem, ...] = ()  # files that could not be read (their tables count as not supplied)

    def has(self, table_name: str) -> bool:
        return table_name in self.present

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def row_counts(self) -> dict[str, int]:
        """Rows per supplied table, in name order."""
        return {t: int(self.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in sorted(self.present)}

    def close(self) -> None:
        self.con.close()


def _raw_relation_sql(table: Table, raw: str, supplied: set[str]) -> str:
    """SELECT that renames nothing but fills absent optional columns and casts types."""
    parts = []
    for col in table.columns:
        if col.name in supplied:
            expr = f'"{col.name}"'
            if col.type == "DATE":
                # Accept timestamps and dates alike; month is truncated below.
                expr = f"CAST(TRY_CAST({expr} AS TIMESTAMP) AS DATE)"
            elif col.type == "BOOLEAN":
                expr = f"TRY_CAST({expr} AS BOOLEAN)"
            else:
                expr = f"TRY_CAST({expr} AS {col.type})"
        else:
            expr = f"CAST(NULL AS {col.type})"
        if table.name == "arr_monthly" and col.name == "month":
            expr = f"CAST(date_trunc('month', {expr}) AS DATE)"
        if table.name == "usage_events" and col.name == "event_count":
            expr = f"COALESCE({expr}, 1)"
        if table.name == "csm_activities" and col.name == "outcome":
            expr = f"COALESCE(lower({expr}), 'held')"
        if table.name == "tickets" and col.name == "escalated":
            expr = f"COALESCE({expr}, false)"
        if table.name == "contacts" and col.name == "is_champion":
            expr = f"COALESCE({expr}, false)"
        parts.append(f'{expr} AS "{col.name}"')
    return f"SELECT {', '.join(parts)} FROM {raw}"


def _find_file(folder: Path, name: str) -> Path | None:
    for suffix in FILE_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


def _sql_text(value: str) -> str:
    # File paths and header names cannot be bound as parameters inside a view definition: quote them safely.
    return "'" + value.replace("'", "''") + "'"


def _csv_header(path: Path, delimiter: str) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle, delimiter=delimiter), [])


def _read_expr(path: Path) -> str:
    """A DuckDB relation reading the file; raises ValueError (empty file) or UnicodeDecodeError."""
    if path.suffix == ".parquet":
        return f"read_parquet({_sql_text(str(path))})"
    delimiter = "\t" if path.name.endswith(".tsv") else ","
    header = _csv_header(path, delimiter)
    if not header:
        raise ValueError("the file is empty")
    # The header row is read here, not sniffed: DuckDB's sniffer can take a malformed data line for the header.
    # Every column is text: types are checked by validation with TRY_CAST, never guessed silently.
    columns = ", ".join(f"{_sql_text(name)}: 'VARCHAR'" for name in header)
    return (f"read_csv({_sql_text(str(path))}, header = true, auto_detect = false, delim = {_sql_text(delimiter)}, "
            f"quote = '\"', escape = '\"', strict_mode = true, columns = {{{columns}}})")


CSV_LINE_ERROR = re.compile(r"Line: (\d+).*?Expected Number of Columns: (\d+) Found: (\d+)", re.S)


def _read_problem(table: Table, exc: duckdb.Error) -> Problem:
    """A file DuckDB cannot read, as a Problem naming the file, the line and the fix."""
    match = CSV_LINE_ERROR.search(str(exc))
    if match:
        line, expected, found = match.groups()
        return Problem(table.name, None, None, f"line {line} has {found} fields but the header has {expected}",
                       "quote values that contain the delimiter (e.g. \"1,000\"), or remove thousands separators")
    first = str(exc).strip().splitlines()[0][:300]
    return Problem(table.name, None, None, f"the file cannot be read ({first})",
                   "check it is UTF-8 CSV with one header row, or Parquet")


def _columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _empty_view(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """A not-supplied (or unreadable) table: an empty view with every contract column."""
    con.execute(f'CREATE VIEW "{table.name}" AS {_raw_relation_sql(table, "(SELECT 1) AS empty", set())} WHERE false')


def _define_views(con: duckdb.DuckDBPyConnection, raw_relations: dict[str, str], origin: str,
                  materialise: bool = False) -> Dataset:
    columns: dict[str, frozenset[str]] = {}
    problems: list[Problem] = []
    for table in TABLES:
        raw = raw_relations.get(table.name)
        if raw is None:
            _empty_view(con, table)
            continue
        try:
            con.execute(f'CREATE VIEW "raw_{table.name}" AS SELECT * FROM {raw}')
            if materialise:
                con.execute(f'SELECT count(*) FROM "raw_{table.name}"').fetchone()  # surface read errors per file
        except duckdb.Error as exc:
            problems.append(_read_problem(table, exc))
            con.execute(f'DROP VIEW IF EXISTS "raw_{table.name}"')
            _empty_view(con, table)
            continue
        supplied = {c.lower(): c for c in _columns_of(con, f'"raw_{table.name}"')}
        # Column names are matched case-insensitively; the raw view is re-aliased to contract names.
        renamed = ", ".join(f'"{orig}" AS "{low}"' for low, orig in supplied.items())
        # Files are read once into memory (validation and metrics query them many times); a DuckDB file is queried in place.
        kind = "TABLE" if materialise else "VIEW"
        con.execute(f'DROP VIEW "raw_{table.name}"')
        con.execute(f'CREATE {kind} "raw_{table.name}" AS SELECT {renamed} FROM {raw}')
        columns[table.name] = frozenset(supplied)
        con.execute(f'CREATE VIEW "{table.name}" AS {_raw_relation_sql(table, f"raw_{table.name}", set(supplied))}')
    return Dataset(con=con, present=frozenset(columns), origin=origin, columns=columns, read_problems=tuple(problems))


def open_dataset(path: str | Path) -> Dataset:
    """Open a folder of CSV/Parquet files or a .duckdb file; raise DataError when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise DataError([Problem(str(path), None, None,
                                 "the data source does not exist",
                                 "pass --data with a folder of CSV/Parquet files or a .duckdb file")])
    con = duckdb.connect()
    raw: dict[str, str] = {}
    unreadable: list[Problem] = []
    if path.is_dir():
        for table in TABLES:
            found = _find_file(path, table.name)
            if found is None:
                continue
            try:
                raw[table.name] = _read_expr(found)
            except UnicodeDecodeError:
                unreadable.append(Problem(table.name, None, None, f"{found.name} is not UTF-8 text", "save the file as UTF-8 CSV"))
            except ValueError as exc:
                unreadable.append(Problem(table.name, None, None, f"{found.name}: {exc}",
                                          "write a header row with the column names, then the rows"))
    else:
        try:
            con.execute(f"ATTACH {_sql_text(str(path))} AS src (READ_ONLY)")
        except duckdb.Error as exc:
            con.close()
            raise DataError([Problem(str(path), None, None, f"cannot open as a DuckDB database ({exc})",
                                     "pass a .duckdb file written by DuckDB, or a folder of CSV/Parquet files")]) from exc
        names = {r[0].lower(): r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'").fetchall()}
        for table in TABLES:
            if table.name in names:
                raw[table.name] = f'src."{names[table.name]}"'
    try:
        ds = _define_views(con, raw, str(path), materialise=path.is_dir())
        ds.read_problems = tuple(unreadable) + ds.read_problems
        if path.is_dir():
            used = {_find_file(path, t.name).name for t in TABLES if _find_file(path, t.name)}
            ds.unmatched_files = tuple(sorted(
                f.name for f in path.iterdir() if f.name.endswith(FILE_SUFFIXES) and f.name not in used))
        return ds
    except duckdb.Error as exc:  # pragma: no cover - a file changing under us
        con.close()
        raise DataError([Problem(str(path), None, None, f"cannot read the files ({exc})",
                                 "check that each file is valid CSV with a header row, or Parquet")]) from exc


def dataset_from_frames(frames: Mapping[str, pd.DataFrame], origin: str = "in-memory frames") -> Dataset:
    """Build a Dataset from pandas frames named after contract tables (used by tests and adapters)."""
    con = duckdb.connect()
    raw = {}
    for name, frame in frames.items():
        con.register(f"frame_{name}", frame)
        raw[name] = f'"frame_{name}"'
    return _define_views(con, raw, origin)
