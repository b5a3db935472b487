"""A DuckDB database file with tables named after the contract tables, queried in place (read-only)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from chs_core.contract import INPUT_TABLES
from chs_core.errors import DataError, Problem
from chs_core.sources import sql
from chs_core.sources.dataset import Dataset
from chs_core.sources.files import KIND_NAMES, not_a_regular_file, sniff
from chs_core.sources.fingerprint import files_fingerprint
from chs_core.sources.views import connect, define_views

FIXES = {
    "sqlite": "export its tables to CSV into one folder and pass the folder (in the sqlite3 shell: "
              ".headers on, .mode csv, .once accounts.csv, then select * from accounts; for each table)",
    "text": "put each table's CSV file into one folder, named after the table (accounts.csv, arr_monthly.csv), "
            "and pass the folder",
}


def _not_a_database(path: Path) -> Problem | None:
    """A file that is not a DuckDB database is refused before DuckDB opens it (it would reach for extensions)."""
    why = not_a_regular_file(path)
    kind = None if why else sniff(path)
    if kind == "duckdb":
        return None
    what = why or f"is {KIND_NAMES[kind]}, not a DuckDB database"
    fix = FIXES.get(kind or "", "pass a .duckdb file written by DuckDB, or a folder of CSV/Parquet files")
    return Problem(str(path), None, None, what, fix)


@dataclass(frozen=True)
class DuckDBFileSource:
    path: Path

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def key(self) -> str:
        """Changes when the database file (or its write-ahead log) changes."""
        return files_fingerprint("duckdb", self.path, [self.path, self.path.with_name(self.path.name + ".wal")])

    def open(self) -> Dataset:
        refusal = _not_a_database(self.path)
        if refusal is not None:
            raise DataError([refusal])
        con = connect()
        try:
            con.execute(sql.attach_sql(str(self.path)))
        except duckdb.Error as exc:
            con.close()
            raise DataError([Problem(str(self.path), None, None, f"cannot open as a DuckDB database ({exc})",
                                     "pass a .duckdb file written by DuckDB, or a folder of CSV/Parquet files")]) from exc
        names = {r[0].lower(): r[0] for r in con.execute(sql.LIST_ATTACHED_TABLES).fetchall()}
        raw = {t.name: sql.attached_table(names[t.name]) for t in INPUT_TABLES if t.name in names}
        ds = define_views(con, raw, str(self.path))
        ds.source_key = self.key
        return ds
