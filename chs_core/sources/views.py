"""Turn raw relations (files, attached tables, frames) into a Dataset of contract-shaped views."""
from __future__ import annotations

import re
import tempfile
from collections.abc import Collection
from pathlib import Path

import duckdb

from chs_core.contract import INPUT_TABLES, Table
from chs_core.errors import DataError, Problem
from chs_core.settings import setting
from chs_core.sources import sql
from chs_core.sources.csv_layout import UnreadableFile, refuse_case_twins
from chs_core.sources.dataset import Dataset
from chs_core.sources.subscriptions import SubscriptionRule, derive_from_subscriptions

CSV_LINE_ERROR = re.compile(r"Line: (\d+).*?Expected Number of Columns: (\d+) Found: (\d+)", re.S)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never downloads or loads an extension by itself (the app stays offline).

    Memory is capped (setting duckdb_memory_limit) and large joins and sorts spill to a temp folder
    (duckdb_temp_directory) instead of taking the machine's memory. Its time zone is the data_time_zone
    setting: a time-zone-aware timestamp without a zone of its own (TIMESTAMPTZ in a DuckDB file) is read
    as wall-clock time there before it is cut to a day or month.
    """
    temp = setting("duckdb_temp_directory") or str(Path(tempfile.gettempdir()) / "chs-duckdb")
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False, "temp_directory": temp}
    if setting("duckdb_memory_limit"):  # empty: DuckDB's own default (80% of the machine's memory)
        config["memory_limit"] = setting("duckdb_memory_limit")
    con = duckdb.connect(config=config)
    con.execute(sql.NO_PROGRESS_BAR)  # long queries never draw on the CLI's output
    zone = str(setting("data_time_zone"))
    if not con.execute(sql.TIME_ZONE_KNOWN, [zone]).fetchall()[0][0]:
        con.close()
        raise DataError([Problem("settings", "data_time_zone", None, f"unknown time zone {zone[:60]!r}",
                                 "set CHS_DATA_TIME_ZONE to a tz database name such as UTC or Europe/Berlin")])
    con.execute(sql.set_time_zone_sql(zone))
    return con


def read_problem(table: Table, exc: duckdb.Error) -> Problem:
    """A file DuckDB cannot read, as a Problem naming the table, the line and the fix."""
    match = CSV_LINE_ERROR.search(str(exc))
    if match:
        line, expected, found = match.groups()
        return Problem(table.name, None, None, f"line {line} has {found} fields but the header has {expected}",
                       "quote values that contain the delimiter (e.g. \"1,000\"), or remove thousands separators")
    if "state machine reached an invalid state" in str(exc):
        return Problem(table.name, None, None, "the file cannot be parsed: it mixes Windows (CRLF) and Unix (LF) "
                       "line endings, or a quote is not closed", "save it again from a spreadsheet or editor, "
                       "and write a quote inside a value as two quotes (\"\")")
    if isinstance(exc, duckdb.PermissionException):
        return Problem(table.name, None, None, "is a view that reads files or addresses outside the database "
                       "(such as read_csv), which is never followed",
                       f"store {table.name} in the database as a table holding its rows, not as a view")
    if "No magic bytes" in str(exc) or "not a parquet file" in str(exc).lower():
        return Problem(table.name, None, None, "the Parquet file is not complete (cut off while copying, or not "
                       "Parquet)", "write or copy the file again")
    first = re.sub(r"^[A-Za-z ]+Error: ", "", str(exc).strip().splitlines()[0])[:300]  # DuckDB's kind of error
    return Problem(table.name, None, None, f"the file cannot be read ({first})",
                   "check it is UTF-8 CSV with one header row, or Parquet")


def _columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name -> DuckDB type, in the relation's order."""
    return {row[0]: row[1] for row in con.execute(sql.describe_sql(relation)).fetchall()}


def define_views(con: duckdb.DuckDBPyConnection, raw_relations: dict[str, str], origin: str,
                 materialise: Collection[str] = (), rule: SubscriptionRule | None = None) -> Dataset:
    """One typed view per contract table over `raw_relations` (table name -> SQL relation); absent tables are empty.

    materialise: tables to copy into memory once (CSV files: parsing text again for every query costs more
    than the copy); Parquet files and DuckDB tables are queried in place, so only the columns and rows a
    query needs are read.
    """
    columns: dict[str, frozenset[str]] = {}
    problems: list[Problem] = []
    for table in INPUT_TABLES:
        relation = raw_relations.get(table.name)
        if relation is None:
            con.execute(sql.empty_view_sql(table))
            continue
        try:
            con.execute(sql.probe_raw_sql(table, relation))
            if table.name in materialise:
                con.execute(sql.count_raw_sql(table)).fetchall()  # surface read errors per file
        except duckdb.Error as exc:
            problems.append(read_problem(table, exc))
            con.execute(sql.drop_raw_sql(table))
            con.execute(sql.empty_view_sql(table))
            continue
        types = _columns_of(con, sql.raw_name(table))
        names = list(types)
        try:
            refuse_case_twins(tuple(names))  # Parquet and DuckDB tables may hold "arr" and "ARR"
        except UnreadableFile as exc:
            problems.append(Problem(table.name, None, None, str(exc), exc.fix))
            con.execute(sql.drop_raw_sql(table))
            con.execute(sql.empty_view_sql(table))
            continue
        supplied = {c.lower(): c for c in names}
        con.execute(sql.drop_raw_sql(table))
        con.execute(sql.renamed_raw_sql(table, relation, supplied, table.name in materialise))
        columns[table.name] = frozenset(supplied)
        con.execute(sql.typed_view_sql(table, supplied, {low: types[orig] for low, orig in supplied.items()}))
    derived = derive_from_subscriptions(con, columns, rule)  # arr_monthly (and accounts) from subscriptions
    return Dataset(con=con, present=frozenset(columns), origin=origin, columns=columns, read_problems=tuple(problems),
                   derived=derived)
