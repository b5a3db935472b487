"""Diagnostics and the renewal-timing baseline, worked by hand on tiny books.

A metric that churners have more of while the model says higher is better is "inverted" (oriented AUC 0); a
flag that fires only on accounts that stay "never precedes churn"; days to renewal as a score counts ties half.
"""
from __future__ import annotations

import numpy as np
import pytest

from chs_core.model import load_model
from chs_core.outcomes.baselines import renewal_timing
from chs_core.outcomes.diagnostics import flag_checks, metric_checks
from chs_core.settings import DEFAULT_MODEL

# 20 accounts, one judged row each: the first 10 churned.
Y = np.r_[np.ones(10, bool), np.zeros(10, bool)]
ACCOUNTS = np.array([f"A{i}" for i in range(20)])


def test_a_metric_pointing_the_other_way_is_inverted():
    model = load_model(DEFAULT_MODEL)  # active_user_ratio: higher_better
    values = {"active_user_ratio": np.r_[np.full(10, 0.9), np.full(10, 0.1)],  # churners were the most active
              "feature_breadth": np.r_[np.full(10, 0.1), np.full(10, 0.9)]}  # churners used the fewest features
    checks = {c.name: c for c in metric_checks(model, values, Y, ACCOUNTS, samples=50)}
    # every (stayed, churned) pair ranks the wrong way round: 0 of 100 pairs in the model's direction
    assert checks["active_user_ratio"].oriented_auc == 0.0 and checks["active_user_ratio"].verdict == "inverted"
    assert checks["feature_breadth"].oriented_auc == 1.0 and checks["feature_breadth"].verdict == "ok"
    assert checks["usage_depth"].verdict == "no data" and checks["active_user_ratio"].coverage == 1.0


def test_a_flag_that_fires_only_on_accounts_that_stay_never_precedes_churn():
    model = load_model(DEFAULT_MODEL)
    fired = np.zeros(20, bool)
    fired[[10, 11, 12]] = True  # three accounts that did not churn
    check = next(c for c in flag_checks(model, {"downgrade": fired}, {}, Y, ACCOUNTS, samples=0)
                 if c.name == "downgrade")
    # score "not fired": churners all 1; stayers 7 x 1, 3 x 0. Pairs (stayer, churner): 70 ties (35) + 30 lower (0)
    assert check.oriented_auc == pytest.approx(35 / 100)
    assert (check.fired_rows, check.rate_when_fired, check.verdict) == (3, 0.0, "never precedes churn")


def test_renewal_timing_alone_ranks_by_days_to_renewal_with_ties_half():
    days = np.array([10.0, 30.0, 30.0, 100.0])  # churned, churned, stayed, stayed
    y = np.array([True, True, False, False])
    b = renewal_timing(days, y, np.array(["a", "b", "c", "d"]), configured=np.array([50.0, 60.0, 70.0, 80.0]),
                       samples=0)
    # pairs (stayed, churned): 30>10, 30=30 (half), 100>10, 100>30 -> 3.5 of 4
    assert b.auc == pytest.approx(3.5 / 4) and b.configured_auc == 1.0 and b.positives == 2
