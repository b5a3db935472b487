"""Check a loaded data source against the contract and list every problem with its fix.

Errors stop scoring (the numbers would be wrong); warnings are shown and scoring
goes on. Each check counts rows over the raw (as supplied) view or the typed one
(validation.sql), so a value that fails its type is reported, never silently turned
into NULL; the counts of all checks of a table are taken in one pass (validation.tally)
and the query naming examples runs only for a check that found something.
"""
from __future__ import annotations

from datetime import date

from chs_core.contract import INPUT_TABLES, Table
from chs_core.errors import DataError, Problem
from chs_core.sources import Dataset
from chs_core.sources.csv_layout import DECIMAL_COMMA_NUMBER
from chs_core.validation import sql
from chs_core.validation.codes import unknown_codes
from chs_core.validation.ids import account_rows, padded_ids, unmatched_accounts
from chs_core.validation.rules import EVENT_DATE_COLUMNS, PAST_ONLY_COLUMNS, TYPE_HINTS, VALUE_RULES
from chs_core.validation.soundness import soundness_checks
from chs_core.validation.subscriptions import derived_table_problems
from chs_core.validation.suggest import rename_candidate
from chs_core.validation.tally import ALL_ROWS, Count, Counted, Tally, direct


def _file_hint(table: Table) -> str:
    return f"{table.name}.csv / {table.name}.parquet (or a table named {table.name} in the .duckdb file)"


def _count(ds: Dataset, query: str, params: list | None = None) -> tuple[int, list]:
    rows = ds.rows(query, params)
    return (int(rows[0][0]), list(rows[0][1] or [])) if rows else (0, [])


def _supplied(ds: Dataset, table: Table) -> frozenset[str]:
    return ds.columns.get(table.name, frozenset())


def _examples(values: list) -> str:
    return ", ".join(map(repr, values))


def _missing_columns(ds: Dataset, table: Table) -> list[Problem]:
    supplied = _supplied(ds, table)
    problems = []
    for name in table.required_columns:
        if name not in supplied:
            close = rename_candidate(ds, table, name)
            hint = (f"rename column '{close[:60]}' to '{name}'" if close
                    else f"add a column '{name}' ({table.column(name).meaning})")
            problems.append(Problem(table.name, name, None, "required column is missing", hint))
    return problems


def _wrong_types(ds: Dataset, table: Table, tally: Tally) -> list[Counted]:
    checks = []
    for col in table.columns:
        if col.name not in _supplied(ds, table) or col.type == "VARCHAR":
            continue
        target = "TIMESTAMP" if col.type == "DATE" else col.type

        def report(counts, col=col, target=target) -> list[Problem]:
            if not counts[0]:
                return []
            n, examples = _count(ds, sql.not_of_type(table.name, col.name, target))
            return [Problem(table.name, col.name, n, f"values are not {col.type} (e.g. {_examples(examples)})",
                            _type_hint(col.type, examples))]
        kind = tally.kinds(table.name).get(col.name)
        checks.append(Counted((Count(table.name, True, sql.wrong_type(col.name, target, kind)),), report))
    return checks


def _type_hint(kind: str, examples: list) -> str:
    if kind in ("DOUBLE", "BIGINT") and any(DECIMAL_COMMA_NUMBER.match(str(v)) and "," in str(v) for v in examples):
        return (f"{TYPE_HINTS[kind]}; a file written with decimal commas (1.234,5) is read with "
                "csv: {decimal_comma: true} in chs.yaml (docs/own_data.md)")
    return TYPE_HINTS[kind]


def _nulls_in_required(ds: Dataset, table: Table, tally: Tally) -> list[Counted]:
    checks = []
    for name in table.required_columns:
        if name not in _supplied(ds, table):
            continue

        def report(counts, name=name) -> list[Problem]:
            return [Problem(table.name, name, counts[0], "required value is empty",
                            f"fill in {name} on every row or drop those rows")] if counts[0] else []
        kind = tally.kinds(table.name).get(name)
        checks.append(Counted((Count(table.name, True, sql.blank(name, kind)),), report))
    return checks


def _duplicates(ds: Dataset, table: Table) -> list[Problem]:
    if not table.key or not set(table.key) <= _supplied(ds, table):
        return []
    n, examples = _count(ds, sql.duplicate_keys(table.name, table.key))
    if not n:
        return []
    what = " and ".join(table.key)
    return [Problem(table.name, what, n, f"duplicate {what} (e.g. {_examples(examples)})",
                    f"keep one row per {what}" + (" (sum ARR per account and month)" if table.name == "arr_monthly" else ""))]


def _future_dates(ds: Dataset, table: Table, today: date) -> list[Counted]:
    checks = []
    for name in PAST_ONLY_COLUMNS.get(table.name, ()):
        if name not in _supplied(ds, table):
            continue

        def report(counts, name=name) -> list[Problem]:
            if not counts[0]:
                return []
            n, examples = _count(ds, sql.dates_after(table.name, name), [today])
            return [Problem(table.name, name, n, f"dates after today {today} (e.g. {', '.join(examples)})",
                            "fix the dates (a wrong year or a day/month swap?) or drop those rows")]
        checks.append(Counted((Count(table.name, False, sql.after(name), (today,)),), report))
    return checks


def _before_customer(ds: Dataset, table: Table, tally: Tally) -> list[Problem]:
    """Rows dated before their account became a customer: a sign of wrong ids or dates (tables disagreeing in time).

    The rows are counted only when some account's first row is that early (read with the rows per account id).
    """
    column = EVENT_DATE_COLUMNS.get(table.name)
    if column is None or column not in _supplied(ds, table) or not ds.has("accounts"):
        return []
    if not account_rows(ds, table, tally).early_accounts:
        return []
    n, examples = _count(ds, sql.dated_before_customer(table.name, column))
    if not n:
        return []
    return [Problem(table.name, column, n,
                    f"rows dated before their account became a customer (customer_since, else its first month with ARR; "
                    f"e.g. accounts {_examples(examples)})",
                    "check that account ids and dates line up across tables; such rows still count at their dates",
                    severity="warning")]


def _value_rules(ds: Dataset, table: Table) -> list[Counted]:
    """Domain rules on values: ranges and allowed codes."""
    checks = []
    for rule in VALUE_RULES.get(table.name, ()):
        if rule.column not in _supplied(ds, table):
            continue

        def report(counts, rule=rule) -> list[Problem]:
            if not counts[0]:
                return []
            n, examples = _count(ds, sql.breaking_rule(table.name, rule.column, rule.bad_when))
            return [Problem(table.name, rule.column, n, f"{rule.message} (e.g. {', '.join(map(str, examples))})",
                            rule.fix, rule.severity)]
        checks.append(Counted((Count(table.name, False, rule.bad_when),), report))
    return checks


def _no_rows(ds: Dataset, table: Table) -> list[Counted]:
    """A required table with nothing to score: no accounts, or no month with ARR above 0."""
    if not table.required or not set(table.required_columns) <= _supplied(ds, table):
        return []

    def report(counts) -> list[Problem]:
        if counts[0]:
            return []
        if table.name == "arr_monthly":
            return [Problem(table.name, None, None, "the table has no row with ARR above 0",
                            "add monthly ARR snapshots: one row per account and month (account_id, month, arr)")]
        return [Problem(table.name, None, None, "the table has no rows", "add one row per customer account")]
    return [Counted((Count(table.name, False, "arr > 0" if table.name == "arr_monthly" else ALL_ROWS),), report)]


def table_checks(ds: Dataset, table: Table, tally: Tally, today: date) -> list[Counted]:
    """Every check of one supplied table, in the order its problems are listed."""
    return [
        direct(lambda: _missing_columns(ds, table)),
        *_no_rows(ds, table), *_wrong_types(ds, table, tally), *_nulls_in_required(ds, table, tally),
        direct(lambda: _duplicates(ds, table)), direct(lambda: unmatched_accounts(ds, table, tally)),
        *padded_ids(ds, table, tally), *_value_rules(ds, table), *unknown_codes(ds, table),
        direct(lambda: _before_customer(ds, table, tally)), *_future_dates(ds, table, today),
        *soundness_checks(ds, table, tally, today)]


def _missing_table(ds: Dataset, table: Table) -> Problem:
    close = [f for f in ds.unmatched_files if table.name in f.lower()]
    if close:
        fix = (f"rename {close[0]} to {table.name}{close[0][close[0].index('.'):]} with the contract's column names, "
               "or map it as it is with a chs.yaml (python -m chs_core init-mapping FOLDER proposes one; the Data "
               "page too)")
    elif ds.unmatched_files:
        fix = (f"no file is named {table.name}.csv; the files here ({_examples(list(ds.unmatched_files[:4]))}) can be "
               "mapped with a chs.yaml (python -m chs_core init-mapping FOLDER proposes one; the Data page too)")
    else:
        fix = f"provide {_file_hint(table)}"
    if table.name == "arr_monthly":
        fix += "; a billing export (account_id, start_date, end_date, mrr) as subscriptions works instead"
    return Problem(table.name, None, None, f"required table is missing from {ds.origin}", fix)


def validate_dataset(ds: Dataset, today: date | None = None) -> list[Problem]:
    """Every problem in the data source, errors first. `today` bounds 'dates in the future'."""
    today = today or date.today()
    problems: list[Problem] = list(ds.read_problems)
    tally = Tally(ds)
    unreadable = {p.table for p in ds.read_problems}
    for table in INPUT_TABLES:
        if not ds.has(table.name):
            # With subscriptions supplied, their own problems say why accounts or arr_monthly could not be derived.
            if table.required and table.name not in unreadable and not ds.has("subscriptions"):
                problems.append(_missing_table(ds, table))
            continue
        problems += tally.run(table_checks(ds, table, tally, today))
    problems += derived_table_problems(ds)
    return sorted(problems, key=lambda p: p.severity != "error")


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def require_valid(ds: Dataset, today: date | None = None) -> list[Problem]:
    """Raise DataError when the source has errors; return its warnings otherwise."""
    problems = validate_dataset(ds, today)
    if errors_only(problems):
        raise DataError(problems)
    return problems
