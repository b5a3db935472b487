"""Open a data source (folder of CSV/Parquet files, or a DuckDB file) as contract-shaped views.

Every contract table exists in the returned connection as a view named after it,
with every contract column, cast to its contract type. An optional table the
user did not supply is an empty view; an optional column they did not supply is
NULL. Downstream SQL can therefore rely on one schema; `Dataset.present` says
what was really supplied, so metrics from absent tables are reported missing,
not zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

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

    def has(self, table_name: str) -> bool:
        return table_name in self.present

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

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


def _read_expr(path: Path) -> str:
    # Paths cannot be bound as parameters inside a view definition, so quote them safely.
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.suffix == ".parquet":
        return f"read_parquet({quoted})"
    # all_varchar: types are checked by validation with TRY_CAST, never guessed silently.
    return f"read_csv({quoted}, header = true, all_varchar = true)"


def _columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _define_views(con: duckdb.DuckDBPyConnection, raw_relations: dict[str, str], origin: str,
                  materialise: bool = False) -> Dataset:
    columns: dict[str, frozenset[str]] = {}
    for table in TABLES:
        raw = raw_relations.get(table.name)
        if raw is None:
            con.execute(f'CREATE VIEW "{table.name}" AS {_raw_relation_sql(table, "(SELECT 1) AS empty", set())} WHERE false')
            continue
        con.execute(f'CREATE VIEW "raw_{table.name}" AS SELECT * FROM {raw}')
        supplied = {c.lower(): c for c in _columns_of(con, f'"raw_{table.name}"')}
        # Column names are matched case-insensitively; the raw view is re-aliased to contract names.
        renamed = ", ".join(f'"{orig}" AS "{low}"' for low, orig in supplied.items())
        # Files are read once into memory (validation and metrics query them many times); a DuckDB file is queried in place.
        kind = "TABLE" if materialise else "VIEW"
        con.execute(f'DROP VIEW "raw_{table.name}"')
        con.execute(f'CREATE {kind} "raw_{table.name}" AS SELECT {renamed} FROM {raw}')
        columns[table.name] = frozenset(supplied)
        con.execute(f'CREATE VIEW "{table.name}" AS {_raw_relation_sql(table, f"raw_{table.name}", set(supplied))}')
    return Dataset(con=con, present=frozenset(raw_relations), origin=origin, columns=columns)


def open_dataset(path: str | Path) -> Dataset:
    """Open a folder of CSV/Parquet files or a .duckdb file; raise DataError when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise DataError([Problem(str(path), None, None,
                                 "the data source does not exist",
                                 "pass --data with a folder of CSV/Parquet files or a .duckdb file")])
    con = duckdb.connect()
    raw: dict[str, str] = {}
    if path.is_dir():
        for table in TABLES:
            found = _find_file(path, table.name)
            if found is not None:
                raw[table.name] = _read_expr(found)
    else:
        quoted = "'" + str(path).replace("'", "''") + "'"
        try:
            con.execute(f"ATTACH {quoted} AS src (READ_ONLY)")
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
        if path.is_dir():
            used = {_find_file(path, name).name for name in raw}
            ds.unmatched_files = tuple(sorted(
                f.name for f in path.iterdir() if f.name.endswith(FILE_SUFFIXES) and f.name not in used))
        return ds
    except duckdb.Error as exc:
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
