"""A loaded data source: a DuckDB connection holding one contract-shaped view per table.

Every contract table exists as a view named after it, with every contract column
cast to its contract type. An optional table the user did not supply is an empty
view; an optional column they did not supply is NULL. Downstream SQL can rely on
one schema; `present` and `columns` say what was really supplied, so metrics from
absent tables are reported missing, not zero. The raw (as supplied, text) tables
are views named `raw_<table>`, for validation.

Code outside `chs_core.sources` queries a Dataset through `df`, `rows`, `scalar`
and `table`, never through its connection.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from chs_core.contract import TABLES_BY_NAME
from chs_core.errors import Problem
from chs_core.sources.result_frames import result_frame
from chs_core.sources.sql import count_rows_sql, select_columns_sql

Params = list | dict | None


@dataclass
class Dataset:
    """An opened data source. Use it as a context manager, or call close()."""

    con: duckdb.DuckDBPyConnection
    present: frozenset[str]  # tables the user supplied
    origin: str  # what was opened, for messages (never holds credentials)
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)  # supplied columns per table
    unmatched_files: tuple[str, ...] = ()  # data files in the folder that match no contract table
    read_problems: tuple[Problem, ...] = ()  # files that could not be read (their tables count as not supplied)
    source_key: str | None = None  # the Source.key it was opened from (file sources): results are stored under it
    derived: Mapping[str, str] = field(default_factory=dict)  # table -> how it was derived (e.g. from subscriptions)

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, table_name: str, column: str | None = None) -> bool:
        """The table (and, when given, the column) was supplied."""
        if table_name not in self.present:
            return False
        return column is None or column in self.columns.get(table_name, frozenset())

    def df(self, sql: str, params: Params = None) -> pd.DataFrame:
        return result_frame(self.con, sql, params)

    def rows(self, sql: str, params: Params = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Params = None) -> object:
        rows = self.con.execute(sql, params or []).fetchall()  # fetched to the end: no result left open
        return rows[0][0] if rows else None

    def table(self, name: str, columns: Sequence[str] | None = None, order_by: Sequence[str] = ()) -> pd.DataFrame:
        """A contract table (typed view) as a frame; columns are checked against the contract, never taken from data."""
        known = TABLES_BY_NAME[name].column_names
        chosen = list(columns) if columns is not None else list(known)
        unknown = [c for c in [*chosen, *order_by] if c not in known]
        if unknown:
            raise KeyError(f"{name} has no contract column {unknown[0]!r}")
        return self.df(select_columns_sql(name, chosen, order_by))

    def row_counts(self) -> dict[str, int]:
        """Rows per supplied table, in name order."""
        return {t: int(self.scalar(count_rows_sql(t))) for t in sorted(self.present)}

    def close(self) -> None:
        self.con.close()
