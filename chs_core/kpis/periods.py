"""Reporting periods over the monthly ARR snapshots, and the check for a part-filled last month.

A period runs from one first-of-month snapshot (start) to a later one (end); its
KPIs compare ARR at those two snapshots. Trailing twelve months is the default
period (domain.md, "Executive KPIs"); quarterly and monthly views are expected.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from chs_core.settings import setting
from chs_core.sources import Dataset

_CLEAN_ARR_SQL = (Path(__file__).parent / "queries" / "clean_arr.sql").read_text()
PERIOD_MONTHS = {"ttm": 12, "quarter": 3, "month": 1}
QUARTER_END_MONTHS = (3, 6, 9, 12)


@dataclass(frozen=True)
class Period:
    """A reporting period: ARR at `start` (first of month) compared with ARR at `end`."""

    kind: str  # "ttm" | "quarter" | "month"
    start: date
    end: date
    label: str


@dataclass(frozen=True)
class CompletenessCheck:
    """Whether arr_monthly's last month looks complete, and the end month to use by default."""

    end_month: date | None  # suggested default end month (None when there is no data)
    last_month: date | None  # last month present in the data
    partial: bool
    last_count: int  # accounts with ARR > 0 in the last month
    previous_count: int  # accounts with ARR > 0 in the month before it
    message: str


def month_start(value: date | datetime | str | pd.Timestamp) -> date:
    """The first day of the month containing `value`."""
    ts = pd.Timestamp(value)
    return date(ts.year, ts.month, 1)


def add_months(value: date, months: int) -> date:
    """First of the month `months` after (or before, when negative) value's month."""
    index = value.year * 12 + (value.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(value: date) -> date:
    """The last day of value's month (the as-of date that closes a monthly snapshot)."""
    return add_months(month_start(value), 1) - timedelta(days=1)


def _label(kind: str, start: date, end: date) -> str:
    end_text = end.strftime("%b %Y")
    if kind == "month":
        return end_text
    if kind == "quarter":
        if end.month in QUARTER_END_MONTHS:
            return f"Q{end.month // 3} {end.year}"
        return f"3 months to {end_text}"
    return f"12 months to {end_text}"


def resolve_period(kind: str, end_month: date) -> Period:
    """The period of the given kind ending at end_month's snapshot (ttm: 12 months, quarter: 3, month: 1)."""
    if kind not in PERIOD_MONTHS:
        raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(PERIOD_MONTHS)}")
    end = month_start(end_month)
    start = add_months(end, -PERIOD_MONTHS[kind])
    return Period(kind, start, end, _label(kind, start, end))


def previous_period(period: Period) -> Period:
    """The period of the same kind and length that ends where `period` starts."""
    return resolve_period(period.kind, period.start)


CLEAN_ARR = "chs_clean_arr"  # marks a frame arr_frame built


def arr_frame(arr_monthly: pd.DataFrame | Dataset) -> pd.DataFrame:
    """arr_monthly as a clean frame: account_id (str), month (Timestamp, first of month), arr (float >= 0).

    Accepts a contract-shaped frame or a Dataset (its arr_monthly view). Rows for the
    same account and month are summed; missing or negative ARR counts as 0 (not paying).
    A frame this function returned is passed through as it is (cleaned once per source).
    """
    if isinstance(arr_monthly, pd.DataFrame) and arr_monthly.attrs.get(CLEAN_ARR):
        return arr_monthly
    if isinstance(arr_monthly, Dataset):  # cleaned in DuckDB: 2M rows in pandas took seconds of a cold page
        clean = arr_monthly.df(_CLEAN_ARR_SQL)
        clean.attrs[CLEAN_ARR] = True
        return clean
    frame = pd.DataFrame({
        "account_id": arr_monthly["account_id"].astype(str),
        "month": pd.to_datetime(arr_monthly["month"]).dt.to_period("M").dt.to_timestamp(),
        "arr": pd.to_numeric(arr_monthly["arr"], errors="coerce").fillna(0.0).clip(lower=0.0),
    })
    clean = frame.groupby(["account_id", "month"], as_index=False)["arr"].sum()
    clean.attrs[CLEAN_ARR] = True
    return clean


def data_months(arr_monthly: pd.DataFrame | Dataset) -> list[date]:
    """Sorted distinct months present in arr_monthly (first-of-month dates)."""
    months = arr_frame(arr_monthly)["month"].drop_duplicates().sort_values()
    return [month_start(m) for m in months]


def last_complete_month(arr_monthly: pd.DataFrame | Dataset, min_ratio: float | None = None) -> CompletenessCheck:
    """Detect a data set that ends part-way through a month; suggest the last complete month.

    The last month is called partial when its count of accounts with ARR > 0 is below
    min_ratio times the previous month's count.
    """
    min_ratio = setting("partial_month_ratio") if min_ratio is None else min_ratio
    frame = arr_frame(arr_monthly)
    paying = frame.loc[frame["arr"] > 0, "month"].value_counts()  # a clean frame has one row per account and month
    months = sorted(frame["month"].unique())
    if not months:
        return CompletenessCheck(None, None, False, 0, 0, "arr_monthly has no rows, so there is no end month.")
    last = month_start(months[-1])
    last_count = int(paying.get(months[-1], 0))
    if len(months) < 2:
        return CompletenessCheck(last, last, False, last_count, 0,
                                 f"arr_monthly holds one month, {last:%Y-%m}; it is used as the end month.")
    prev = month_start(months[-2])
    prev_count = int(paying.get(months[-2], 0))
    if prev_count > 0 and last_count < min_ratio * prev_count:
        return CompletenessCheck(prev, last, True, last_count, prev_count, (
            f"arr_monthly's last month, {last:%Y-%m}, has {last_count} accounts against {prev_count} "
            f"in {prev:%Y-%m}: it looks incomplete, so {prev:%Y-%m} is used as the default end month."))
    return CompletenessCheck(last, last, False, last_count, prev_count, (
        f"arr_monthly runs to {last:%Y-%m} ({last_count} accounts with ARR, {prev_count} the month before); "
        f"{last:%Y-%m} is used as the default end month."))
