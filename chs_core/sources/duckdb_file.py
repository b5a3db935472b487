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
        # Nothing in the database may reach outside it: a view that calls read_csv('~/secret.csv') (or any file
        # or network function) is refused by DuckDB from here on, and reported for its table.
        con.execute(sql.NO_EXTERNAL_ACCESS)
        raw, problems = _contract_tables(con.execute(sql.LIST_ATTACHED_TABLES).fetchall())
        ds = define_views(con, raw, str(self.path))
        ds.read_problems = tuple(problems) + ds.read_problems
        ds.source_key = self.key
        return ds


def _contract_tables(listed: list[tuple[str, str]]) -> tuple[dict[str, str], list[Problem]]:
    """The relation for each contract table: in schema main, else in the one schema that has it.

    Names are matched ignoring case; a table found in several schemas other than main is a problem
    (which one holds the data?), as are two tables whose names differ only in case.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for schema, name in listed:
        found.setdefault(name.lower(), []).append((schema, name))
    raw, problems = {}, []
    for table in INPUT_TABLES:
        places = found.get(table.name, [])
        in_main = [p for p in places if p[0] == "main"]
        chosen = in_main if in_main else places
        if len(chosen) == 1:
            raw[table.name] = sql.attached_table(chosen[0][1], chosen[0][0])
        elif chosen:
            shown = ", ".join(f"{s[:40]}.{n[:40]}" for s, n in chosen[:4])
            problems.append(Problem(table.name, None, None, f"several tables could be {table.name}: {shown}",
                                    f"keep one table named {table.name} (in schema main, or in one schema only)"))
    return raw, problems
