"""Every SQL text the sources package runs, in one place.

Names in these statements come from the data (file paths, CSV headers, DuckDB
table and column names), so each is quoted with `quote_identifier` or
`quote_literal`; values go in as bound parameters wherever DuckDB allows them
(view definitions and read_csv arguments do not take parameters).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from chs_core.contract import Column, Table
from chs_core.sources.codes import CODES, SEPARATORS_PATTERN, known_spellings


def quote_identifier(name: str) -> str:
    """A double-quoted SQL identifier; an embedded quote is doubled, so no name can end the quoting."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A single-quoted SQL string literal with embedded quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


# Per table and column: how the typed view fills a default or normalises a value.
_DEFAULTS = {
    ("usage_events", "event_count"): "COALESCE({expr}, 1)",
    ("csm_activities", "outcome"): "COALESCE({expr}, 'held')",
    ("tickets", "escalated"): "COALESCE({expr}, false)",
    ("contacts", "is_champion"): "COALESCE({expr}, false)",
    ("arr_monthly", "month"): "CAST(date_trunc('month', {expr}) AS DATE)",
}


def typed_select_sql(table: Table, raw: str, supplied: Iterable[str], raw_types: dict[str, str] | None = None) -> str:
    """SELECT over the raw relation that casts every contract column to its type and fills absent ones with NULL.

    raw_types (column -> DuckDB type of the raw column): a column already of its contract type is read as
    it is (and a plain TIMESTAMP cut to its day), the same values without a cast, so filters on it (event
    dates of a DuckDB or Parquet source) reach the scan and skip the row groups outside the window.
    """
    supplied, raw_types = set(supplied), raw_types or {}
    parts = [f"{typed_column_sql(table, col, col.name in supplied, raw_types.get(col.name))} AS "
             f"{quote_identifier(col.name)}" for col in table.columns]
    return f"SELECT {', '.join(parts)} FROM {raw}"


def typed_column_sql(table: Table, col: Column, supplied: bool, kind: str | None) -> str:
    """The typed view's expression for one contract column over the raw column (of DuckDB type `kind`)."""
    if supplied:
        expr = quote_identifier(col.name)
        if kind == col.type:
            pass
        elif col.type == "DATE":
            # Accept timestamps and dates alike; month is truncated below.
            expr = f"CAST({expr} AS DATE)" if kind == "TIMESTAMP" else f"CAST(TRY_CAST({expr} AS TIMESTAMP) AS DATE)"
        else:
            expr = f"TRY_CAST({expr} AS {col.type})"
    else:
        expr = f"CAST(NULL AS {col.type})"
    if col.name.endswith("_id"):
        expr = f"NULLIF(trim({expr}), '')"  # ids match with surrounding spaces ignored (validation reports them)
    if (table.name, col.name) in CODES:
        expr = code_sql(table.name, col.name, expr)
    template = _DEFAULTS.get((table.name, col.name))
    return template.format(expr=expr) if template else expr


def code_sql(table: str, column: str, expr: str) -> str:
    """A code column read through its known spellings (sources.codes); other values are kept, trimmed.

    Empty text counts as no value, so a default (outcome 'held') applies to it as to NULL.
    """
    key = f"trim(regexp_replace(lower(trim({expr})), {quote_literal(SEPARATORS_PATTERN)}, ' ', 'g'))"
    pairs = ", ".join(f"{quote_literal(k)}: {quote_literal(v)}" for k, v in known_spellings(table, column).items())
    return f"COALESCE(MAP {{{pairs}}}[{key}], NULLIF(trim({expr}), ''))"


def empty_view_sql(table: Table) -> str:
    """A table that was not supplied (or could not be read): an empty view with every contract column."""
    return f"CREATE VIEW {quote_identifier(table.name)} AS {typed_select_sql(table, '(SELECT 1) AS empty', ())} WHERE false"


def raw_name(table: Table) -> str:
    return quote_identifier(f"raw_{table.name}")


def probe_raw_sql(table: Table, relation: str) -> str:
    return f"CREATE VIEW {raw_name(table)} AS SELECT * FROM {relation}"


def drop_raw_sql(table: Table) -> str:
    return f"DROP VIEW IF EXISTS {raw_name(table)}"


def count_raw_sql(table: Table) -> str:
    return f"SELECT count(*) FROM {raw_name(table)}"


def describe_sql(relation: str) -> str:
    return f"DESCRIBE SELECT * FROM {relation}"


def renamed_raw_sql(table: Table, relation: str, supplied: dict[str, str], materialise: bool) -> str:
    """The raw table with its columns re-aliased to lower-case contract names (matched case-insensitively)."""
    renamed = ", ".join(f"{quote_identifier(orig)} AS {quote_identifier(low)}" for low, orig in supplied.items())
    kind = "TABLE" if materialise else "VIEW"
    return f"CREATE {kind} {raw_name(table)} AS SELECT {renamed} FROM {relation}"


def typed_view_sql(table: Table, supplied: Iterable[str], raw_types: dict[str, str] | None = None) -> str:
    select = typed_select_sql(table, raw_name(table), supplied, raw_types)
    return f"CREATE VIEW {quote_identifier(table.name)} AS {select}"


def read_parquet_sql(path: str, zones: dict[str, str] | None = None) -> str:
    """read_parquet; a time-zone-aware column becomes local time in the zone recorded with it (see local_time_sql)."""
    relation = f"read_parquet({quote_literal(path)})"
    if not zones:
        return relation
    replaced = ", ".join(f"{local_time_sql(quote_identifier(c), z)} AS {quote_identifier(c)}" for c, z in zones.items())
    return f"(SELECT * REPLACE ({replaced}) FROM {relation})"


_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def local_time_sql(expr: str, zone: str) -> str:
    """A TIMESTAMPTZ as the wall-clock time in `zone` (a tz database name, or a fixed offset such as +01:00)."""
    offset = _OFFSET.match(zone)
    if offset:
        sign, hours, minutes = offset.groups()
        interval = f"{sign}{int(hours)} hours {sign}{int(minutes)} minutes"
        return f"(timezone('UTC', {expr}) + INTERVAL {quote_literal(interval)})"
    return f"timezone({quote_literal(zone)}, {expr})"


def set_time_zone_sql(zone: str) -> str:
    return f"SET TimeZone = {quote_literal(zone)}"


TIME_ZONE_KNOWN = "SELECT count(*) FROM pg_timezone_names() WHERE name = ?"


def read_csv_sql(path: str, delimiter: str, header: Sequence[str], skip: int = 0) -> str:
    """read_csv with the header row we read ourselves (never sniffed) and every column as text.

    skip: lines before the header (an Excel "sep=" line).
    """
    columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in header)
    return (f"read_csv({quote_literal(path)}, header = true, skip = {int(skip)}, auto_detect = false, "
            f"delim = {quote_literal(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
            f"columns = {{{columns}}})")


DECIMAL_COMMA = r"^\s*[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]*)(,[0-9]+)?\s*$"  # 1.234,5  1234,5  1.234  12


def decimal_comma_sql(relation: str, columns: Sequence[str]) -> str:
    """Number columns written with a decimal comma (1.234,5) as plain numbers (1234.5).

    Only a value whose dots group thousands is rewritten: 1.5 or 1.2.3 stays as written, so it is never
    silently read as 15 or 123 (1.5 reads as written; what is no number is reported by validation).
    """
    def plain(c: str) -> str:
        q = quote_identifier(c)
        return (f"(CASE WHEN regexp_matches({q}, {quote_literal(DECIMAL_COMMA)}) "
                f"THEN replace(replace(trim({q}), '.', ''), ',', '.') ELSE {q} END)")
    replaced = ", ".join(f"{plain(c)} AS {quote_identifier(c)}" for c in columns)
    return f"(SELECT * REPLACE ({replaced}) FROM {relation})"


def attach_sql(path: str) -> str:
    return f"ATTACH {quote_literal(path)} AS src (READ_ONLY)"


NO_PROGRESS_BAR = "SET enable_progress_bar = false"
NO_EXTERNAL_ACCESS = "SET enable_external_access = false"  # no file or network access from here on (irreversible)
LIST_ATTACHED_TABLES = ("SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'src' "
                        "ORDER BY table_schema <> 'main', table_schema, table_name")


def attached_table(name: str, schema: str = "main") -> str:
    return f"src.{quote_identifier(schema)}.{quote_identifier(name)}"


def registered_frame(name: str) -> str:
    return quote_identifier(f"frame_{name}")


def count_rows_sql(table_name: str) -> str:
    return f"SELECT count(*) FROM {quote_identifier(table_name)}"


def select_columns_sql(table_name: str, columns: Sequence[str], order_by: Sequence[str] = ()) -> str:
    cols = ", ".join(quote_identifier(c) for c in columns)
    order = f" ORDER BY {', '.join(quote_identifier(c) for c in order_by)}" if order_by else ""
    return f"SELECT {cols} FROM {quote_identifier(table_name)}{order}"


def value_counts_sql(relation: str, column: str, limit: int) -> str:
    """The most frequent values of a column (init-mapping's value maps); `limit` is an int from the code."""
    c = quote_identifier(column)
    return (f"SELECT CAST({c} AS VARCHAR) AS v, count(*) AS n FROM {relation} "
            f"GROUP BY 1 ORDER BY n DESC, v LIMIT {int(limit)}")
