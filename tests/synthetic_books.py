"""Synthetic books for judging the backtest and the weight suggestion: noise, or churn driven by one metric.

Every metric and flag signal is random; each paying account churns in the next month with probability
CHURN, or, when `driver` is given, with HIGH when that metric's value this month is in its worst fifth
and LOW otherwise. Built in memory (arr_monthly and the metrics history), no database.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from chs_core.metrics.catalog import FLAG_SIGNALS, METRICS

CHURN, HIGH, LOW = 0.03, 0.15, 0.01
SCALE = {"ratio": (0, 1), "count": (0, 6), "days": (0, 365), "score": (-100, 100), "pct_change": (-0.5, 0.5),
         "hours": (1, 200), "money": (0, 1000)}


def book(accounts: int = 500, months: int = 18, seed: int = 5, driver: str | None = None):
    """(arr_monthly, metrics history); `driver` (a higher-is-better metric) makes churn depend on it."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-01-01", periods=months, freq="MS")
    alive = np.ones(accounts, dtype=bool)
    arr_rows, metric_frames = [], []
    for month in starts:
        ids = np.flatnonzero(alive)
        n = len(ids)
        frame = pd.DataFrame({"account_id": [f"A{i}" for i in ids], "as_of": month + pd.offsets.MonthEnd(0)})
        for m in METRICS:
            lo, hi = SCALE[m.unit]
            frame[m.name] = rng.uniform(lo, hi, n)
        for s in FLAG_SIGNALS:
            frame[s.name] = rng.poisson(0.1, n).astype(float)
        frame["exec_sponsor_active"] = rng.integers(0, 2, n).astype(float)
        frame["segment"] = rng.choice(["SMB", "Mid-Market", "Enterprise"], n)
        metric_frames.append(frame)
        arr_rows += [(f"A{i}", month, 1000.0) for i in ids]
        if driver is None:
            p = np.full(n, CHURN)
        else:
            v = frame[driver].to_numpy()
            p = np.where(v <= np.quantile(v, 0.2), HIGH, LOW)
        alive[ids[rng.random(n) < p]] = False
    arr = pd.DataFrame(arr_rows, columns=["account_id", "month", "arr"])
    return arr, pd.concat(metric_frames, ignore_index=True)
