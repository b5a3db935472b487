"""Score-drop alerts: a sudden fall matters as much as the level (domain.md: 72 → 45 in two weeks).

An account raises an alert at T when its health score at T is at least `alert.drop_points`
below its score at T − `alert.within_days` (both scored point in time).
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from chs_core.model.schema import Alert


def alert_dates(as_of: date, alert: Alert) -> list[date]:
    """The two as-of dates an alert compares: the window start and T."""
    return [as_of - timedelta(days=alert.within_days), as_of]


def score_drops(scored: pd.DataFrame, as_of: date, alert: Alert) -> pd.DataFrame:
    """Accounts whose score fell by at least alert.drop_points over the alert window ending at as_of.

    In: scored rows (account_id, as_of, health_score, + any other columns) at both alert_dates.
    Out: the as_of rows of alerting accounts plus score_before and drop (points), biggest drop first.
    An account not scored at the window start (new, or no data) cannot raise an alert.
    """
    start, end = alert_dates(as_of, alert)
    days = pd.to_datetime(scored["as_of"]).dt.date
    before = scored.loc[days == start, ["account_id", "health_score"]].rename(columns={"health_score": "score_before"})
    now = scored.loc[days == end]
    both = now.merge(before, on="account_id", how="inner")
    both["drop"] = both["score_before"] - both["health_score"]
    fired = both[both["drop"] >= alert.drop_points]
    return fired.sort_values("drop", ascending=False).reset_index(drop=True)
