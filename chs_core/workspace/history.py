"""One account over time, computed on demand: its metrics at many dates (account filter pushed into the SQL),
scored into a history with tier bands and score-drop alerts.

Resolution: daily over the last `DAILY_DAYS` days before the as-of date (so an alert shows on its day),
weekly before that back to the start of the score history; every date is a whole number of weeks or days
from the as-of date, so the alert's comparison date (14 days back) is always in the grid.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from chs_core.metrics import compute_metrics
from chs_core.model.schema import Model
from chs_core.pipeline import accounts_frame
from chs_core.scoring.score import score_frame
from chs_core.sources import Dataset

DAILY_DAYS = 56


def history_grid(first: date, as_of: date, daily_days: int = DAILY_DAYS) -> list[date]:
    """Dates from `first` to `as_of`: daily for the last `daily_days` days, weekly before; ascending."""
    if first > as_of:
        return [as_of]
    days = {as_of - timedelta(days=d) for d in range(0, daily_days + 1)}
    weeks = (as_of - first).days // 7
    days |= {as_of - timedelta(weeks=w) for w in range(0, weeks + 1)}
    return sorted(d for d in days if d >= first)


def account_metrics(ds: Dataset, model: Model, account_id: str, dates: list[date]) -> pd.DataFrame:
    """pipeline.metrics_with_accounts for one account at the given dates (rows only where it was a customer).

    Computed directly with the account filter pushed into every scan, not through the results store: the store
    keeps every account's rows per date, so a daily grid for one account would compute all accounts' metrics
    at each new day (seconds on a large book) where this reads one account's rows (tens of milliseconds).
    """
    metrics = compute_metrics(ds, dates, model.signals, [str(account_id)])
    accounts = accounts_frame(ds)
    return metrics.merge(accounts[accounts["account_id"].astype(str) == str(account_id)], on="account_id", how="left")


def score_history(metrics: pd.DataFrame, model: Model) -> pd.DataFrame:
    """as_of (date), health_score, tier, at_risk, coverage, alert (fell >= alert.drop_points within
    alert.within_days, comparing with the score that many days earlier when it is in the frame), drop."""
    if metrics.empty:
        return pd.DataFrame(columns=["as_of", "health_score", "tier", "at_risk", "coverage", "alert", "drop"])
    frame = score_frame(metrics, model).frame
    out = pd.DataFrame({"as_of": pd.to_datetime(frame["as_of"]).dt.date, "health_score": frame["health_score"],
                        "tier": frame["tier"].astype(str), "at_risk": frame["at_risk"], "coverage": frame["coverage"]})
    out = out.sort_values("as_of").reset_index(drop=True)
    earlier = out.set_index("as_of")["health_score"]
    window = timedelta(days=model.alert.within_days)
    before = out["as_of"].map(lambda d: earlier.get(d - window))
    out["drop"] = before.astype(float) - out["health_score"]
    out["alert"] = out["drop"] >= model.alert.drop_points
    return out
