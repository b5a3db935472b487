"""On a book whose signals are independent of churn, nothing may look predictive.

Every metric and flag signal is random noise, churn is a coin flip each month (3 %), and the scores come from
the default model on that noise. Every AUC the backtest reports must then be near 0.5 (its interval around
0.5), the learned baseline included: a score that "predicts" noise would be overfitting or leakage.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chs_core.metrics.catalog import FLAG_SIGNALS, METRICS
from chs_core.model import load_model
from chs_core.outcomes.backtest import run_backtest
from chs_core.scoring import score_frame
from chs_core.settings import DEFAULT_MODEL

ACCOUNTS, MONTHS, CHURN = 500, 18, 0.03


def noise_book(seed: int = 5):
    """(arr_monthly, metrics history) with churn independent of every metric."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2025-01-01", periods=MONTHS, freq="MS")
    life = rng.geometric(CHURN, ACCOUNTS)  # months paid before churning
    arr = pd.DataFrame([(f"A{i}", m, 1000.0) for i in range(ACCOUNTS) for k, m in enumerate(months) if k < life[i]],
                       columns=["account_id", "month", "arr"])
    rows = arr.assign(as_of=arr["month"] + pd.offsets.MonthEnd(0))[["account_id", "as_of"]].reset_index(drop=True)
    n = len(rows)
    scale = {"ratio": 0.5, "count": 3, "days": 90, "score": 40, "pct_change": 0.2, "hours": 40, "money": 1000}
    for m in (*METRICS, *FLAG_SIGNALS):
        rows[m.name] = rng.random(n) * scale[m.unit] * (1 if m.unit != "score" else 2) - (
            40 if m.unit == "score" else 0)
    for s in FLAG_SIGNALS:
        rows[s.name] = rng.poisson(0.1, n).astype(float)
    rows["exec_sponsor_active"] = rng.integers(0, 2, n).astype(float)
    rows["segment"] = rng.choice(["SMB", "Mid-Market", "Enterprise"], n)
    rows["tenure_months"] = rng.integers(0, 48, n).astype(float)
    return arr, rows


@pytest.fixture(scope="module")
def noise():
    arr, metrics = noise_book()
    model = load_model(DEFAULT_MODEL)
    scored = score_frame(metrics, model).frame
    return arr, metrics, scored, model


def test_every_auc_is_near_one_half(noise):
    arr, metrics, scored, model = noise
    bt = run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=3, samples=100)
    assert bt.churn.pooled.positives > 100  # enough churn for the figures to mean something
    for report in (bt.churn, bt.churn_or_contraction):
        q = report.pooled
        assert abs(q.auc - 0.5) < 0.05 and q.auc_ci[0] < 0.5 < q.auc_ci[1]
        assert abs(q.lift_top_decile - 1) < 0.3
    for check in bt.diagnostics:
        assert check.oriented_auc is None or abs(check.oriented_auc - 0.5) < 0.06, check
    learned = next(b for b in bt.baselines if b.name == "learned")
    assert learned.train_dates and abs(learned.auc - 0.5) < 0.06
