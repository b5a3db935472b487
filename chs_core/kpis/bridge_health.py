"""The health behind the ARR bridge: did we see it coming? Each moving account's score at the period start.

For every account of the bridge: its score and tier at the start of the period (as of the start month's
last day, point in time) and whether it was flagged at risk at any month-end score from then until before
the end month (the lost ARR was "flagged at risk beforehand"). An account with no score then (not yet
scored, or too little data) has no start score and tier "No data", and was not flagged.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from chs_core.kpis.periods import Period, month_end
from chs_core.model import NO_DATA_TIER


def movement_health(movements: pd.DataFrame, scored_history: pd.DataFrame, period: Period,
                    flagged: Iterable[str] | None = None) -> pd.DataFrame:
    """movements (arr_movements) plus start_score, start_tier, flagged_before.

    scored_history: account_id, as_of (date or timestamp), health_score, tier, at_risk, at month ends.
    flagged: the accounts flagged at risk at a month end from the period start to before its end, when the caller
    counted them already (the results store does, in DuckDB); then scored_history needs only the start date.
    """
    days = pd.to_datetime(scored_history["as_of"])  # compared as timestamps: no date object per row
    start, end = pd.Timestamp(month_end(period.start)), pd.Timestamp(month_end(period.end))
    at_start = scored_history.loc[days == start, ["account_id", "health_score", "tier"]]
    at_start = at_start.rename(columns={"health_score": "start_score", "tier": "start_tier"})
    if flagged is None:
        window = scored_history[(days >= start) & (days < end)]
        flagged = window.loc[window["at_risk"].astype("boolean").fillna(False).astype(bool), "account_id"].astype(str)
    flagged = pd.unique(pd.Series(list(flagged), dtype=object).astype(str))
    out = movements.merge(at_start, on="account_id", how="left")
    out["start_tier"] = out["start_tier"].astype(object).where(out["start_score"].notna(), NO_DATA_TIER.name)
    out["flagged_before"] = pd.Index(flagged).get_indexer(out["account_id"].astype(str)) >= 0
    return out


def flagged_share(health: pd.DataFrame, movement: str) -> tuple[float, float]:
    """(ARR lost by `movement` accounts that were flagged beforehand, all ARR lost by them)."""
    rows = health[health["movement"] == movement]
    lost = (rows["start_arr"] - rows["end_arr"]).clip(lower=0.0)
    return float(lost[rows["flagged_before"]].sum()), float(lost.sum())


def last_paid_month_end(arr: pd.DataFrame, account_ids, period: Period) -> dict[str, date]:
    """account_id -> the last month end inside the period (from its start month to its end month) with ARR > 0.

    The date to look at a churned account on: the last snapshot it still paid (its account page then has a score).
    arr: a clean arr_frame (account_id, month as Timestamp, arr). Accounts with no such month are left out.
    """
    wanted = pd.unique(pd.Series(list(account_ids), dtype=object).astype(str))
    rows = arr[arr["account_id"].isin(wanted)]  # the few accounts first: a lookup per row, no copy of 2M rows
    months = rows["month"]
    inside = rows[(months >= pd.Timestamp(period.start)) & (months <= pd.Timestamp(period.end)) & (rows["arr"] > 0)]
    last = inside.groupby("account_id")["month"].max()
    return {str(a): month_end(m.date()) for a, m in last.items()}
