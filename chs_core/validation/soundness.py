"""Values that cast to their type yet would give wrong figures: non-finite amounts, fractions in whole-number
columns, implausible dates, and an export loaded twice. Each is an error naming example rows by their key.

`validate_dataset` runs `soundness_checks` per table (validation.tally); the SQL is in validation.sql.
"""
from __future__ import annotations

from datetime import date

from chs_core.contract import Table
from chs_core.errors import Problem
from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.validation import sql
from chs_core.validation.tally import ALL_ROWS, Count, Counted, Tally, direct

MAX_AMOUNT = 1e12  # no account's ARR or invoice is near a trillion; 1e300 would swamp every sum
LATEST_YEARS_AHEAD = 20  # renewal and due dates may lie ahead, but not decades ahead

# Columns that name a row in examples: a key when the table has one, else what tells rows apart.
ROW_NAMES = {
    "accounts": ("account_id",), "arr_monthly": ("account_id", "month"),
    "usage_events": ("account_id", "user_id", "event_date"), "tickets": ("ticket_id",),
    "nps_responses": ("account_id", "responded_at"), "contacts": ("contact_id",),
    "csm_activities": ("account_id", "activity_date"), "invoices": ("invoice_id",),
}
# Tables without a key where every row standing twice means the export was loaded twice.
COPY_CHECKED = ("usage_events", "nps_responses", "csm_activities")
MIN_COPY_GROUPS = 20  # below this, all-even counts can happen by chance
SAMPLE_ROWS = 200_000  # a larger table is checked for copies on a hash sample of about this many rows


def _names(ds: Dataset, table: Table) -> tuple[str, ...]:
    supplied = ds.columns.get(table.name, frozenset())
    return tuple(c for c in ROW_NAMES.get(table.name, table.key) if c in supplied) or (sorted(supplied)[0],)


def _rows(ds: Dataset, table: Table, condition: str, params: list | None = None) -> tuple[int, str]:
    n, examples = ds.rows(sql.raw_rows_where(table.name, condition, _names(ds, table)), params)[0]
    label = " / ".join(_names(ds, table))
    return int(n), f"rows ({label}): " + "; ".join(examples or [])


def _counted(ds: Dataset, table: Table, condition: str, problem, params: tuple = ()) -> Counted:
    """Rows of the raw table where `condition` holds; problem(n, rows) names them when there are any."""
    def report(counts) -> list[Problem]:
        if not counts[0]:
            return []
        return [problem(*_rows(ds, table, condition, list(params)))]
    return Counted((Count(table.name, True, condition, params),), report)


def _non_finite(ds: Dataset, table: Table, column: str) -> Counted:
    v = sql.as_double(column)

    def problem(n: int, rows: str) -> Problem:
        return Problem(table.name, column, n, f"values are NaN, infinite or beyond {MAX_AMOUNT:,.0f} (e.g. {rows})",
                       "write a plain amount; leave it empty when unknown" +
                       (" (or 0 for a month without ARR)" if column == "arr" else ""))
    return _counted(ds, table, f"isnan({v}) OR isinf({v}) OR abs({v}) > {MAX_AMOUNT:.0f}", problem)


def _fractions(ds: Dataset, table: Table, column: str) -> Counted:
    v = sql.as_double(column)

    def problem(n: int, rows: str) -> Problem:
        return Problem(table.name, column, n, f"whole numbers expected, found fractions (e.g. {rows})",
                       "write whole numbers (seats, counts, NPS answers); reading 10.5 as 11 would change the figures")
    return _counted(ds, table, f"isfinite({v}) AND {v} <> floor({v})", problem)


def _implausible_dates(ds: Dataset, table: Table, column: str, today: date) -> Counted:
    earliest = date.fromisoformat(setting("earliest_plausible_date"))
    latest = date(today.year + LATEST_YEARS_AHEAD, 12, 31)
    ts = sql.as_timestamp(column)

    def problem(n: int, rows: str) -> Problem:
        return Problem(table.name, column, n,
                       f"implausible dates: before {earliest}, after {latest}, infinite, or a two-digit year "
                       f"read as year 25 (e.g. {rows})",
                       "write four-digit years as YYYY-MM-DD; placeholders such as 1970-01-01 or 1900-01-01 for "
                       "'unknown' should be left empty (earliest_plausible_date in the settings sets the bound)")
    return _counted(ds, table, f"{ts} IS NOT NULL AND (NOT isfinite({ts}) OR {ts} < ? OR {ts} > ?)", problem,
                    (earliest, latest))


def _copied_export(ds: Dataset, table: Table, tally: Tally) -> list[Problem]:
    if table.name not in COPY_CHECKED:
        return []
    columns = tuple(c.name for c in table.columns if c.name in ds.columns.get(table.name, frozenset()))
    total = tally.count(Count(table.name, False, ALL_ROWS))
    sample_of = max(1, total // SAMPLE_ROWS)
    groups, even, rows = ds.rows(sql.even_copies(table.name, columns, sample_of))[0]
    if groups < MIN_COPY_GROUPS or even < groups:
        return []
    where = f"in a sample of {rows:,} rows, " if sample_of > 1 else ""
    return [Problem(table.name, None, None if sample_of > 1 else int(rows) - int(groups),
                    f"{where}every row appears an even number of times ({groups:,} distinct rows, {rows:,} in all): "
                    "the export looks loaded twice, which doubles every count",
                    "load the export once (remove the second copy)")]


def soundness_checks(ds: Dataset, table: Table, tally: Tally, today: date) -> list[Counted]:
    """Every soundness check of one supplied table."""
    supplied = ds.columns.get(table.name, frozenset())
    found: list[Counted] = []
    for col in table.columns:
        if col.name not in supplied:
            continue
        if col.type == "DOUBLE":
            found.append(_non_finite(ds, table, col.name))
        elif col.type == "BIGINT":
            found.append(_fractions(ds, table, col.name))
        elif col.type in ("DATE", "TIMESTAMP"):
            found.append(_implausible_dates(ds, table, col.name, today))
    found.append(direct(lambda: _copied_export(ds, table, tally)))
    return found
