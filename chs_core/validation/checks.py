"""Check a loaded data source against the contract and list every problem with its fix.

Errors stop scoring (the numbers would be wrong); warnings are shown and scoring
goes on. Each check is one SQL query over the raw (as supplied) view so that a
value that fails its type is reported, never silently turned into NULL.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date

from chs_core.contract import PRIORITIES, SEGMENTS, TABLES, Table
from chs_core.errors import DataError, Problem
from chs_core.sources.loading import Dataset

# Columns that record something that already happened: a value after today is a data error.
# (renewal_date and due_date may lie in the future.)
PAST_ONLY_COLUMNS = {
    "arr_monthly": ("month",), "usage_events": ("event_date",), "tickets": ("opened_at", "resolved_at"),
    "nps_responses": ("responded_at",), "contacts": ("left_date",), "csm_activities": (),
    "invoices": ("paid_date",), "accounts": ("customer_since",),
}
TYPE_HINTS = {
    "DATE": "write dates as YYYY-MM-DD",
    "TIMESTAMP": "write timestamps as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
    "DOUBLE": "use plain numbers with a dot for decimals and no currency symbols or thousands separators",
    "BIGINT": "use whole numbers",
    "BOOLEAN": "use true/false",
    "VARCHAR": "use text",
}
EXAMPLES = 3


def _file_hint(table: Table) -> str:
    return f"{table.name}.csv / {table.name}.parquet (or a table named {table.name} in the .duckdb file)"


def _count(ds: Dataset, sql: str, params: list | None = None) -> tuple[int, list]:
    rows = ds.con.execute(sql, params or []).fetchall()
    return (int(rows[0][0]), list(rows[0][1] or [])) if rows else (0, [])


def _missing_columns(ds: Dataset, table: Table) -> list[Problem]:
    supplied = ds.columns.get(table.name, frozenset())
    problems = []
    for name in table.required_columns:
        if name not in supplied:
            close = difflib.get_close_matches(name, sorted(supplied), n=1, cutoff=0.6)
            hint = f"rename column '{close[0]}' to '{name}'" if close else f"add a column '{name}' ({table.column(name).meaning})"
            problems.append(Problem(table.name, name, None, "required column is missing", hint))
    return problems


def _wrong_types(ds: Dataset, table: Table) -> list[Problem]:
    supplied = ds.columns.get(table.name, frozenset())
    problems = []
    for col in table.columns:
        if col.name not in supplied or col.type == "VARCHAR":
            continue
        target = "TIMESTAMP" if col.type == "DATE" else col.type
        n, examples = _count(ds, f"""
            SELECT count(*), list(DISTINCT CAST("{col.name}" AS VARCHAR))[1:{EXAMPLES}]
            FROM "raw_{table.name}"
            WHERE "{col.name}" IS NOT NULL AND trim(CAST("{col.name}" AS VARCHAR)) <> ''
              AND TRY_CAST("{col.name}" AS {target}) IS NULL""")
        if n:
            shown = ", ".join(repr(e) for e in examples)
            problems.append(Problem(table.name, col.name, n, f"values are not {col.type} (e.g. {shown})", TYPE_HINTS[col.type]))
    return problems


def _nulls_in_required(ds: Dataset, table: Table) -> list[Problem]:
    problems = []
    for name in table.required_columns:
        if name not in ds.columns.get(table.name, frozenset()):
            continue
        n, _ = _count(ds, f'SELECT count(*), NULL FROM "raw_{table.name}" WHERE "{name}" IS NULL OR trim(CAST("{name}" AS VARCHAR)) = \'\'')
        if n:
            problems.append(Problem(table.name, name, n, "required value is empty", f"fill in {name} on every row or drop those rows"))
    return problems


def _duplicates(ds: Dataset, table: Table) -> list[Problem]:
    if not table.key or not set(table.key) <= ds.columns.get(table.name, frozenset()):
        return []
    keys = ", ".join(f'"{k}"' for k in table.key)
    n, examples = _count(ds, f"""
        SELECT count(*), list(k)[1:{EXAMPLES}] FROM (
            SELECT concat_ws(' / ', {keys}) AS k FROM "{table.name}" GROUP BY {keys} HAVING count(*) > 1)""")
    if not n:
        return []
    what = " and ".join(table.key)
    return [Problem(table.name, what, n, f"duplicate {what} (e.g. {', '.join(map(repr, examples))})",
                    f"keep one row per {what}" + (" (sum ARR per account and month)" if table.name == "arr_monthly" else ""))]


def _unknown_accounts(ds: Dataset, table: Table) -> list[Problem]:
    if table.name == "accounts" or "account_id" not in ds.columns.get(table.name, frozenset()) or not ds.has("accounts"):
        return []
    n, examples = _count(ds, f"""
        SELECT count(*), list(DISTINCT t.account_id)[1:{EXAMPLES}] FROM "{table.name}" t
        WHERE t.account_id IS NOT NULL AND t.account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)""")
    if not n:
        return []
    return [Problem(table.name, "account_id", n, f"account ids not found in accounts (e.g. {', '.join(map(repr, examples))})",
                    "add those accounts to accounts, or remove their rows", severity="warning")]


def _future_dates(ds: Dataset, table: Table, today: date) -> list[Problem]:
    problems = []
    for name in PAST_ONLY_COLUMNS.get(table.name, ()):
        if name not in ds.columns.get(table.name, frozenset()):
            continue
        n, examples = _count(ds, f"""
            SELECT count(*), list(DISTINCT CAST(CAST("{name}" AS DATE) AS VARCHAR))[1:{EXAMPLES}]
            FROM "{table.name}" WHERE CAST("{name}" AS DATE) > ?""", [today])
        if n:
            problems.append(Problem(table.name, name, n, f"dates after today {today} (e.g. {', '.join(examples)})",
                                    "fix the dates (a wrong year or a day/month swap?) or drop those rows"))
    return problems


# Event dates that should not precede the account becoming a customer.
EVENT_DATE_COLUMNS = {"usage_events": "event_date", "tickets": "opened_at", "nps_responses": "responded_at",
                      "csm_activities": "activity_date"}


def _before_customer(ds: Dataset, table: Table) -> list[Problem]:
    """Rows dated before their account became a customer: a sign of wrong ids or dates (tables disagreeing in time)."""
    column = EVENT_DATE_COLUMNS.get(table.name)
    if column is None or column not in ds.columns.get(table.name, frozenset()) or not ds.has("accounts"):
        return []
    n, examples = _count(ds, f"""
        WITH start AS (
            SELECT a.account_id, COALESCE(a.customer_since, min(m.month)) AS since
            FROM accounts a LEFT JOIN arr_monthly m ON m.account_id = a.account_id AND m.arr > 0
            GROUP BY a.account_id, a.customer_since)
        SELECT count(*), list(DISTINCT t.account_id)[1:{EXAMPLES}]
        FROM "{table.name}" t JOIN start s USING (account_id)
        WHERE CAST(t."{column}" AS DATE) < date_trunc('month', s.since)""")
    if not n:
        return []
    return [Problem(table.name, column, n,
                    f"rows dated before their account became a customer (customer_since, else its first month with ARR; "
                    f"e.g. accounts {', '.join(map(repr, examples))})",
                    "check that account ids and dates line up across tables; such rows still count at their dates",
                    severity="warning")]


def _value_rules(ds: Dataset, table: Table) -> list[Problem]:
    """Domain rules on values: ranges and allowed codes."""
    rules: dict[str, list[tuple[str, str, str, str, str]]] = {
        # table: [(column, bad-row condition, message, fix, severity)]
        "arr_monthly": [("arr", "arr < 0", "negative ARR", "ARR is 0 or more; record a churned month as 0 or no row", "error"),
                        ("seats", "seats < 0", "negative seats", "seats are 0 or more", "error")],
        "accounts": [("licensed_seats", "licensed_seats <= 0", "licensed seats must be positive",
                      "set the contract's seat count (at least 1)", "error"),
                     ("segment", f"segment NOT IN ({', '.join(repr(s) for s in SEGMENTS)})",
                      "segment is not one of " + ", ".join(SEGMENTS),
                      "map segments to SMB, Mid-Market or Enterprise; segment overrides in model.yaml only apply to those",
                      "warning")],
        "tickets": [("priority", f"priority NOT IN ({', '.join(repr(p) for p in PRIORITIES)})",
                     "priority is not one of P0, P1, P2, P3", "map priorities, e.g. urgent→P0, high→P1, medium→P2, low→P3", "error"),
                    ("csat", "csat < 1 OR csat > 5", "CSAT outside 1-5", "rescale CSAT to 1-5", "error"),
                    ("resolved_at", "resolved_at < opened_at", "resolved before it was opened", "check the two timestamps", "warning")],
        "nps_responses": [("score", "score < 0 OR score > 10", "NPS answer outside 0-10", "NPS answers are whole numbers 0-10", "error")],
        "usage_events": [("event_count", "event_count < 0", "negative event count", "counts are 0 or more", "error")],
    }
    problems = []
    for column, condition, message, fix, severity in rules.get(table.name, []):
        if column not in ds.columns.get(table.name, frozenset()):
            continue
        n, examples = _count(ds, f'SELECT count(*), list(DISTINCT CAST("{column}" AS VARCHAR))[1:{EXAMPLES}] '
                                 f'FROM "{table.name}" WHERE {condition}')
        if n:
            problems.append(Problem(table.name, column, n, f"{message} (e.g. {', '.join(map(str, examples))})", fix, severity))
    return problems


def _no_rows(ds: Dataset, table: Table) -> list[Problem]:
    """A required table with nothing to score: no accounts, or no month with ARR above 0."""
    if not table.required or not set(table.required_columns) <= ds.columns.get(table.name, frozenset()):
        return []
    condition = "WHERE arr > 0" if table.name == "arr_monthly" else ""
    n, _ = _count(ds, f'SELECT count(*), NULL FROM "{table.name}" {condition}')
    if n:
        return []
    if table.name == "arr_monthly":
        return [Problem(table.name, None, None, "the table has no row with ARR above 0",
                        "add monthly ARR snapshots: one row per account and month (account_id, month, arr)")]
    return [Problem(table.name, None, None, "the table has no rows", "add one row per customer account")]


TABLE_CHECKS: tuple[Callable[[Dataset, Table], list[Problem]], ...] = (
    _no_rows, _wrong_types, _nulls_in_required, _duplicates, _unknown_accounts, _value_rules, _before_customer)


def validate_dataset(ds: Dataset, today: date | None = None) -> list[Problem]:
    """Every problem in the data source, errors first. `today` bounds 'dates in the future'."""
    today = today or date.today()
    problems: list[Problem] = list(ds.read_problems)
    unreadable = {p.table for p in ds.read_problems}
    for table in TABLES:
        if not ds.has(table.name):
            if table.required and table.name not in unreadable:
                close = [f for f in ds.unmatched_files if table.name in f.lower()]
                fix = (f"rename {close[0]} to {table.name}{close[0][close[0].index('.'):]} and map its columns to the contract"
                       if close else f"provide {_file_hint(table)}")
                problems.append(Problem(table.name, None, None, f"required table is missing from {ds.origin}", fix))
            continue
        problems += _missing_columns(ds, table)
        for check in TABLE_CHECKS:
            problems += check(ds, table)
        problems += _future_dates(ds, table, today)
    return sorted(problems, key=lambda p: p.severity != "error")


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def require_valid(ds: Dataset, today: date | None = None) -> list[Problem]:
    """Raise DataError when the source has errors; return its warnings otherwise."""
    problems = validate_dataset(ds, today)
    if errors_only(problems):
        raise DataError(problems)
    return problems
