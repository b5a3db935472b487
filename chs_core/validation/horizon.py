"""Which day a validation depends on: today matters only while some past-only date is not yet behind it.

Two checks read today: dates after today in columns that record what already happened (rules.PAST_ONLY_COLUMNS),
and implausible dates, bounded by today's year. Once every past-only date in the data is on or before today,
no later day of the same year can find a date after it either, so the same problems come back every day of that
year: a stored validation of a large unchanged source stays good (store.checked), instead of a 100k-account book
being scanned again each morning. The latest dates come from DuckDB's column statistics (milliseconds).
"""
from __future__ import annotations

from datetime import date

from chs_core.contract import TABLES
from chs_core.sources import Dataset
from chs_core.validation import sql
from chs_core.validation.rules import PAST_ONLY_COLUMNS


def latest_past_only_date(ds: Dataset) -> date | None:
    """The latest date in any supplied past-only column, read as the future-date check reads it; None: no value."""
    latest = None
    for table in TABLES:
        columns = [c for c in PAST_ONLY_COLUMNS.get(table.name, ()) if ds.has(table.name, c)]
        if not columns:
            continue
        for value in ds.rows(sql.latest_dates(table.name, columns))[0]:
            if value is not None and (latest is None or value > latest):
                latest = value
    return latest


def validation_day(ds: Dataset, today: date) -> str:
    """The day a validation of `ds` on `today` stands for: the year alone once every past-only date is behind
    today (the result cannot change before the next year), else today itself. A source with derived tables
    (ARR from subscriptions, which runs to today) always gives today."""
    if ds.derived:
        return today.isoformat()
    latest = latest_past_only_date(ds)
    return f"{today.year}: nothing after {latest}" if latest is None or latest <= today else today.isoformat()
