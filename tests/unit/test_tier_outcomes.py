"""Tier outcomes and flag quality over a few accounts and as-of dates, worked by hand."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from chs_core.outcomes.tier_outcomes import flagged_loss_share, judged_outcomes, tier_outcomes
from chs_core.sources import dataset_from_frames

TIERS = ["Thriving", "Healthy", "Neutral", "At risk", "Critical"]
MONTHS = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]

# Data runs Jan-Jun 2026. With a 3-month horizon, Jan is judged on Apr, Feb on May;
# Apr would be judged on Jul, past the data, so it is excluded.
ARR = dataset_from_frames({"arr_monthly": pd.DataFrame(
    [("A", m, 1000) for m in MONTHS]                                   # steady
    + [("B", m, 2000) for m in MONTHS[:3]]                             # no rows from Apr: churned
    + [("C", m, 1000) for m in MONTHS[:4]] + [("C", m, 600) for m in MONTHS[4:]]  # contracts in May
    + [("D", m, 500) for m in MONTHS]                                  # steady (flagged anyway)
    + [("E", m, 800) for m in MONTHS[:4]] + [("E", m, 0) for m in MONTHS[4:]]     # 0 ARR from May
    + [("F", m, 300) for m in MONTHS[2:]],                             # starts in Mar
    columns=["account_id", "month", "arr"])})

JAN, FEB, APR = date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)
HISTORY = pd.DataFrame([
    # account_id, as_of, tier, health_score, arr, at_risk
    ("A", JAN, "Thriving", 90, 1000, False), ("B", JAN, "At risk", 40, 2000, True),
    ("C", JAN, "Neutral", 60, 1000, False), ("D", JAN, "At risk", 45, 500, True),
    ("E", JAN, "Healthy", 75, 800, False),
    ("A", FEB, "Thriving", 88, 1000, False), ("B", FEB, "Critical", 25, 2000, True),
    ("C", FEB, "At risk", 48, 1000, True), ("D", FEB, "At risk", 42, 500, True),
    ("E", FEB, "Healthy", 72, 800, False),
    ("F", FEB, "Neutral", 55, 0, False),         # not paying yet at as_of: not judged
    ("A", APR, "Thriving", 91, 1000, False), ("C", APR, "Healthy", 70, 1000, False),
    ("D", APR, "Critical", 20, 500, True),       # horizon Jul 2026 is past the data: not judged
], columns=["account_id", "as_of", "tier", "health_score", "arr", "at_risk"])


def test_judged_rows_exclude_unknown_future_and_non_customers():
    j = judged_outcomes(HISTORY, ARR).set_index(["as_of", "account_id"])
    assert len(j) == 10                                   # 5 in Jan + 5 in Feb; F and all of Apr dropped
    assert j.loc[(JAN, "B"), "churned"]                   # no row in Apr counts as churned
    assert not j.loc[(JAN, "E"), "churned"]               # still 800 in Apr
    assert j.loc[(FEB, "E"), "churned"]                   # explicit 0 in May
    assert j.loc[(FEB, "C"), "contracted"] and j.loc[(FEB, "C"), "lost_arr"] == 400   # 1000 -> 600
    assert not j.loc[(JAN, "C"), "contracted"]            # still 1000 in Apr


def test_outcomes_per_tier():
    t = tier_outcomes(HISTORY, ARR, horizon_months=3, tier_order=TIERS).set_index("tier")
    assert list(t.index) == TIERS
    # Thriving: A Jan, A Feb; both kept.
    assert t.loc["Thriving", ["accounts", "arr", "churned_or_contracted_accounts", "lost_arr"]].tolist() == [2, 2000, 0, 0]
    # Healthy: E Jan (kept), E Feb (churned 800): 1 of 2 accounts, 800 of 1600 ARR.
    assert t.loc["Healthy", ["accounts", "arr", "churned_accounts", "churned_or_contracted_accounts"]].tolist() == [2, 1600, 1, 1]
    assert t.loc["Healthy", ["account_loss_share", "arr_loss_share"]].tolist() == [0.5, 0.5]
    # Neutral: C Jan only (F has no ARR), kept.
    assert t.loc["Neutral", ["accounts", "arr", "lost_arr"]].tolist() == [1, 1000, 0]
    # At risk: B Jan (churned 2000), D Jan, C Feb (contracted 400), D Feb; ARR 2000+500+1000+500.
    assert t.loc["At risk", ["accounts", "arr", "churned_accounts", "churned_or_contracted_accounts", "lost_arr"]].tolist() \
        == [4, 4000, 1, 2, 2400]
    assert t.loc["At risk", "account_loss_share"] == 0.5                  # 2 / 4
    assert t.loc["At risk", "arr_loss_share"] == pytest.approx(0.6)      # 2400 / 4000
    # Critical: B Feb, churned.
    assert t.loc["Critical", ["accounts", "churned_accounts", "account_loss_share", "arr_loss_share"]].tolist() == [1, 1, 1.0, 1.0]


def test_default_order_is_by_mean_health():
    # Mean health: Thriving 89, Healthy 73.5, Neutral 60, At risk 43.75, Critical 25.
    assert tier_outcomes(HISTORY, ARR)["tier"].tolist() == TIERS


def test_flag_quality():
    q = flagged_loss_share(HISTORY, ARR, horizon_months=3)
    assert (q.judged_rows, q.as_of_dates) == (10, 2)
    # Lost: B Jan 2000 + B Feb 2000 + C Feb 400 + E Feb 800 = 5200; flagged: B, B, C = 4400.
    assert (q.lost_arr, q.flagged_lost_arr) == (5200, 4400)
    assert q.flagged_loss_share == pytest.approx(4400 / 5200)
    # Churners: B Jan, B Feb, E Feb; E was not flagged.
    assert (q.churners, q.flagged_churners) == (3, 2)
    assert q.recall == pytest.approx(2 / 3)
    # Flags: B Jan, D Jan, B Feb, C Feb, D Feb; D, C, D did not churn (C only contracted).
    assert (q.at_risk_flags, q.flagged_not_churned) == (5, 3)
    assert q.false_positive_share == pytest.approx(3 / 5)


def test_end_month_limits_what_can_be_judged():
    # Trusting data only to Apr: Feb's horizon (May) is unknown, leaving the 5 Jan rows.
    q = flagged_loss_share(HISTORY, ARR, end_month=date(2026, 4, 1))
    assert (q.judged_rows, q.churners, q.recall) == (5, 1, 1.0)    # B Jan, flagged
    assert q.false_positive_share == 0.5                          # D Jan of flags B, D


def test_nothing_judgeable():
    q = flagged_loss_share(HISTORY[HISTORY["as_of"] == APR], ARR)
    assert q.judged_rows == 0 and q.recall is None and q.flagged_loss_share is None
    t = tier_outcomes(HISTORY[HISTORY["as_of"] == APR], ARR, tier_order=TIERS)
    assert t["accounts"].tolist() == [0] * 5 and math.isnan(t["account_loss_share"].iloc[0])
