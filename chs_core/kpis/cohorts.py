"""Retention by start cohort: logo retention and NRR against months since start, as a triangle.

Definitions (stated on the cohorts page and in the CLI help):
- start month: the month of customer_since, else the first month with ARR > 0.
- An account whose start month lies before the ARR history (or, without customer_since, whose first ARR month
  is the history's first month) is left out: its starting ARR is unknown, and cohort-mates that churned before
  the history began are missing, so its cohort would look better than it was.
- starting ARR: ARR in the first month with ARR > 0 on or after the start month (none: left out).
- months since start k: 0 is the start month. A cell (row, k) is over the row's accounts whose month start + k
  is on or before the end month; when there are none the cell is empty (NaN), never 0.
- logo retention at k: share of those accounts paying (ARR > 0) in month start + k. An account that stopped
  paying and came back counts again from the month it pays (a reactivation).
- NRR at k: their ARR in month start + k / their starting ARR (churn counts 0; expansion and contraction count).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.contract import SEGMENTS
from chs_core.kpis.periods import add_months, arr_frame, last_complete_month, month_start
from chs_core.selection import only_accounts
from chs_core.settings import setting
from chs_core.sources import Dataset

COHORT_BY = ("start_quarter", "start_month", "segment", "industry", "arr_band", "acquisition_channel")
TIME_BY = ("start_quarter", "start_month")
COHORT_ACCOUNT_COLUMNS = ("account_id", "account_name", "segment", "industry", "customer_since", "acquisition_channel")
UNKNOWN = "Unknown"
MEMBER_COLUMNS = ("account_id", "account_name", "cohort", "start_month", "start_arr")
DEFINITIONS = {
    "start": "An account's start month is the month of customer_since (else its first month with ARR); "
             "months since start 0 is that month.",
    "logo": "Logo retention: of the cohort's accounts old enough for the cell, the share still paying that month. "
            "An account that stopped paying and came back counts again from the month it pays.",
    "nrr": "Net revenue retention: their ARR that month over their starting ARR (the first month with ARR), so "
           "expansion adds, contraction and churn take away; it can exceed 100%.",
    "empty": "An empty cell means no account of the cohort is that old yet; it is not 0%.",
    "left_out": "Accounts that started before the ARR history begins are left out: their starting ARR, and "
                "cohort-mates lost before the history, are unknown.",
}


@dataclass(frozen=True)
class CohortTable:
    """A retention triangle: one row per cohort (or group), one column per month since start."""

    by: str
    end_month: date
    members: pd.DataFrame  # account_id, account_name, cohort, start_month, start_arr (one row per account)
    by_age: pd.DataFrame  # index account_id, columns ages: ARR that month (NaN: not reached yet)
    sizes: pd.Series  # cohort -> accounts
    start_arr: pd.Series  # cohort -> starting ARR
    observed: pd.DataFrame  # cohort x age: accounts old enough for the cell
    paying: pd.DataFrame  # cohort x age: of which paying
    arr: pd.DataFrame  # cohort x age: their ARR
    base_arr: pd.DataFrame  # cohort x age: their starting ARR
    left_out: dict[str, int]  # reason -> accounts

    @property
    def logo(self) -> pd.DataFrame:
        return self.paying / self.observed.where(self.observed > 0)

    @property
    def nrr(self) -> pd.DataFrame:
        return self.arr / self.base_arr.where(self.base_arr > 0)

    def metric(self, name: str) -> pd.DataFrame:
        if name not in ("logo", "nrr"):
            raise ValueError(f"unknown cohort metric {name!r}; use logo or nrr")
        return self.logo if name == "logo" else self.nrr


def arr_bands(text: str | None = None) -> list[tuple[float, float, str]]:
    """(low, high, label) per band from the arr_bands setting (ascending upper limits, comma-separated)."""
    raw = setting("arr_bands") if text is None else text
    try:
        limits = [float(x) for x in str(raw).split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"arr_bands {raw!r}: write ascending dollar limits separated by commas, e.g. "
                         "10000,50000,100000") from None
    if limits != sorted(set(limits)) or any(v <= 0 for v in limits):
        raise ValueError(f"arr_bands {raw!r}: limits must be above 0, ascending and distinct, e.g. 10000,50000,100000")
    edges = [0.0, *limits, float("inf")]
    labels = ([f"under ${limits[0]:,.0f}"] if limits else ["all"]) + \
        [f"${lo:,.0f} to ${hi:,.0f}" for lo, hi in zip(limits, limits[1:])] + \
        ([f"${limits[-1]:,.0f} and above"] if limits else [])
    return [(lo, hi, label) for lo, hi, label in zip(edges, edges[1:], labels)]


def cohort_accounts(ds: Dataset) -> pd.DataFrame:
    """The account columns cohorts group by (acquisition_channel is NULL when not supplied)."""
    return ds.table("accounts", COHORT_ACCOUNT_COLUMNS, order_by=("account_id",))


def available_groupings(accounts: pd.DataFrame) -> list[str]:
    """The `by` values this data supports: acquisition_channel only when some account has one."""
    has_channel = "acquisition_channel" in accounts and accounts["acquisition_channel"].notna().any()
    return [b for b in COHORT_BY if b != "acquisition_channel" or has_channel]


def _start_months(accounts: pd.DataFrame, frame: pd.DataFrame, first: pd.Timestamp,
                  by: str) -> tuple[pd.DataFrame, dict]:
    """Members with start_month and start_arr, and the count left out per reason."""
    paying = frame[frame["arr"] > 0]
    first_paid = paying.groupby("account_id")["month"].min().rename("first_paid")
    m = accounts.assign(account_id=accounts["account_id"].astype(str)).merge(first_paid, on="account_id", how="left")
    since = pd.to_datetime(m.get("customer_since"), errors="coerce") if "customer_since" in m else pd.Series(pd.NaT, index=m.index)
    since = since.dt.to_period("M").dt.to_timestamp()
    m["start_month"] = since.fillna(m["first_paid"])
    never = m["first_paid"].isna()
    # A quarter cohort needs its whole quarter inside the history, or it would hold only its last month(s).
    history_start = first if by != "start_quarter" else first.to_period("Q").to_timestamp() + pd.DateOffset(
        months=0 if first.month % 3 == 1 else 3)
    before = ~never & ((m["start_month"] < history_start) | (since.isna() & (m["first_paid"] == first)))
    left_out = {"never paid": int(never.sum()), "started before the ARR history": int(before.sum())}
    m = m[~never & ~before]
    # Starting ARR: the first month with ARR > 0 on or after the start month.
    later = paying.merge(m[["account_id", "start_month"]], on="account_id")
    later = later[later["month"] >= later["start_month"]].sort_values("month").drop_duplicates("account_id")
    m = m.merge(later[["account_id", "arr"]].rename(columns={"arr": "start_arr"}), on="account_id", how="left")
    left_out["no ARR on or after customer_since"] = int(m["start_arr"].isna().sum())
    return m[m["start_arr"].notna()].reset_index(drop=True), left_out


def _cohort_labels(m: pd.DataFrame, by: str) -> tuple[pd.Series, list[str]]:
    if by == "start_month":
        labels = m["start_month"].dt.strftime("%Y-%m")
        return labels, sorted(labels.unique())
    if by == "start_quarter":
        labels = m["start_month"].dt.year.astype(str) + " Q" + m["start_month"].dt.quarter.astype(str)
        return labels, sorted(labels.unique())
    if by == "arr_band":
        bands = arr_bands()
        labels = pd.Series([next(lab for lo, hi, lab in bands if lo <= v < hi) for v in m["start_arr"]], index=m.index,
                           dtype=object)
        return labels, [lab for _, _, lab in bands if (labels == lab).any()]
    labels = m[by].astype(object).where(m[by].notna() & (m[by].astype(str).str.strip() != ""), UNKNOWN).astype(str)
    counts = labels.value_counts()
    known = list(SEGMENTS) if by == "segment" else []
    order = [s for s in known if s in counts] + [v for v in counts.index if v not in known and v != UNKNOWN]
    return labels, order + ([UNKNOWN] if UNKNOWN in counts else [])


def cohort_table(accounts: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset, by: str = "start_quarter",
                 end_month: date | None = None, account_ids: Iterable[str] | None = None) -> CohortTable:
    """The retention triangle for cohorts (or groups) `by`, over months from each account's start to end_month.

    In: accounts (account_id, customer_since, and the `by` column), arr_monthly or a Dataset.
    end_month: the last month to count (default: the last complete ARR month).
    """
    if by not in COHORT_BY:
        raise ValueError(f"unknown cohort grouping {by!r}; use one of {', '.join(COHORT_BY)}")
    if by == "acquisition_channel" and by not in available_groupings(accounts):
        raise ValueError("accounts has no acquisition_channel values: add the optional column acquisition_channel "
                         "to the accounts table to see retention by channel")
    frame = only_accounts(arr_frame(arr_monthly), account_ids)
    accounts = only_accounts(accounts, account_ids)
    end = month_start(end_month) if end_month is not None else last_complete_month(frame).end_month
    if frame.empty or end is None:
        raise ValueError("arr_monthly has no ARR for these accounts, so there are no cohorts to show")
    first = frame["month"].min()
    months = pd.date_range(first, pd.Timestamp(end), freq="MS")
    frame = frame[frame["month"] <= pd.Timestamp(end)]
    m, left_out = _start_months(accounts, frame, first, by)
    left_out["started after the end month"] = int((m["start_month"] > pd.Timestamp(end)).sum())
    m = m[m["start_month"] <= pd.Timestamp(end)].reset_index(drop=True)
    m["cohort"], order = _cohort_labels(m, by)
    order = [c for c in order if (m["cohort"] == c).any()]
    # Account x calendar month ARR, then each row shifted to its own start: column k is month start + k.
    wide = frame.pivot_table(index="account_id", columns="month", values="arr", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=m["account_id"], columns=months, fill_value=0.0).to_numpy()
    n_months = len(months)
    offset = ((m["start_month"].dt.year - first.year) * 12 + (m["start_month"].dt.month - first.month)).to_numpy()
    idx = offset[:, None] + np.arange(n_months)[None, :]
    reached = idx < n_months
    shifted = np.where(reached, wide[np.arange(len(m))[:, None], np.minimum(idx, n_months - 1)], np.nan)
    ages = list(range(int(reached.sum(axis=1).max()) if len(m) else 0))
    by_age = pd.DataFrame(shifted[:, :len(ages)], index=m["account_id"], columns=ages)
    start = m["start_arr"].to_numpy()[:, None]
    per = {
        "observed": reached[:, :len(ages)].astype(float),
        "paying": (shifted[:, :len(ages)] > 0).astype(float),
        "arr": np.nan_to_num(shifted[:, :len(ages)]),
        "base_arr": reached[:, :len(ages)] * start,
    }
    grouped = {k: pd.DataFrame(v, columns=ages).groupby(m["cohort"].to_numpy()).sum().reindex(order) for k, v in per.items()}
    if by in TIME_BY:
        # A start cohort's cell waits until every account of it has reached that month: a part-filled cell
        # would mix the cohort's older half with none of its younger half.
        partial = grouped["observed"].lt(grouped["observed"][0], axis=0)
        grouped = {k: v.mask(partial, 0.0) for k, v in grouped.items()}
    for k in ("observed", "paying"):
        grouped[k] = grouped[k].astype(int)
    return CohortTable(
        by=by, end_month=end, members=m[[c for c in MEMBER_COLUMNS if c in m]],
        by_age=by_age, sizes=m.groupby("cohort").size().reindex(order).astype(int),
        start_arr=m.groupby("cohort")["start_arr"].sum().reindex(order), left_out=left_out, **grouped)


def cell_accounts(table: CohortTable, cohort: str, age: int) -> pd.DataFrame:
    """The accounts behind one cell: account_id, account_name, start_month, month, start_arr, arr, status.

    status: churned (no ARR that month), contracted, expanded or flat against the starting ARR; reactivated is
    True for an account paying that month after a month without ARR since its start. Empty when the cell is.
    """
    ids = table.members.loc[table.members["cohort"] == cohort, "account_id"]
    if age not in table.by_age.columns or cohort not in table.observed.index or table.observed.loc[cohort, age] == 0:
        return table.members.iloc[0:0].assign(month=None, arr=None, status=None, reactivated=None)
    history = table.by_age.loc[ids, : age]
    rows = table.members.set_index("account_id").loc[history.index[history[age].notna()]].reset_index()
    arr = history.loc[rows["account_id"], age].to_numpy()
    earlier = history.loc[rows["account_id"]].iloc[:, :-1]
    rows["month"] = [add_months(month_start(s), age) for s in rows["start_month"]]
    rows["arr"] = arr
    rows["status"] = np.select([arr <= 0, arr < rows["start_arr"], arr > rows["start_arr"]],
                               ["churned", "contracted", "expanded"], default="flat")
    rows["reactivated"] = (arr > 0) & (earlier <= 0).any(axis=1).to_numpy()
    rows["start_month"] = rows["start_month"].dt.date
    return rows.sort_values(["status", "start_arr"], ascending=[True, False], ignore_index=True)


def triangle_frame(table: CohortTable, metric: str) -> pd.DataFrame:
    """The triangle as one flat table: cohort, accounts, start_arr, then m0, m1, ... (fractions; NaN = empty)."""
    values = table.metric(metric).rename(columns=lambda k: f"m{k}")
    out = pd.concat([table.sizes.rename("accounts"), table.start_arr.rename("start_arr"), values], axis=1)
    return out.rename_axis("cohort").reset_index()
