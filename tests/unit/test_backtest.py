"""The backtest on a five-account book worked by hand: labels, pooled quality, renewal window, slices, tiers.

ARR Jan-Jun 2026, horizon 3 months, as-of dates Jan 31, Feb 28, Mar 31 (Apr 30 would need July: not judged).
  A 1000 every month                      never churns
  B 2000 Jan-Feb, no row in Mar, 2000 Apr-Jun: stopped paying in Mar -> churned as of Jan and Feb; not paying
    in Mar, so its Mar score is not judged
  C 1000, but 600 in Apr: contracted (not churned) as of Jan, Feb and Mar
  D 500 every month                       never churns
  E 800 Jan-Apr, no rows after: churned as of Feb and Mar (not Jan: Feb-Apr all paid)
Judged rows: A3 B2 C3 D3 E3 = 14; churned: B Jan, B Feb, E Feb, E Mar = 4; churned or contracted: + C x3 = 7.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from chs_core.outcomes.backtest import run_backtest
from chs_core.outcomes.labels import label_history
from chs_core.outcomes.time_split import time_split

MONTHS = [f"2026-0{m}-01" for m in range(1, 7)]
ARR = pd.DataFrame(
    [("A", m, 1000) for m in MONTHS] + [("B", m, 2000) for i, m in enumerate(MONTHS) if i != 2]
    + [("C", m, 600 if i == 3 else 1000) for i, m in enumerate(MONTHS)] + [("D", m, 500) for m in MONTHS]
    + [("E", m, 800) for m in MONTHS[:4]], columns=["account_id", "month", "arr"])
JAN, FEB, MAR, APR = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)
SEG = {"A": "SMB", "B": "SMB", "C": "Enterprise", "D": "Enterprise", "E": "Enterprise"}
SCORES = {  # (account, as_of): (score, days to renewal)
    ("A", JAN): (90, np.nan), ("A", FEB): (85, 200), ("A", MAR): (88, 200),
    ("B", JAN): (40, 89), ("B", FEB): (60, 60), ("B", MAR): (20, 30),
    ("C", JAN): (55, 90), ("C", FEB): (45, 200), ("C", MAR): (50, 200),
    ("D", JAN): (30, -5), ("D", FEB): (70, 200), ("D", MAR): (65, 200),
    ("E", JAN): (75, 200), ("E", FEB): (72, 92), ("E", MAR): (35, 61),
    ("A", APR): (10, 5),
}


def _tier(s):
    return "Healthy" if s >= 70 else "Neutral" if s >= 50 else "At risk"


HISTORY = pd.DataFrame([
    {"account_id": a, "as_of": d, "segment": SEG[a], "health_score": float(s), "at_risk": s < 50,
     "tier": _tier(s), "days_to_renewal": days} for (a, d), (s, days) in SCORES.items()])
TIERS = ("Healthy", "Neutral", "At risk")


@pytest.fixture(scope="module")
def bt():
    return run_backtest(HISTORY, ARR, horizon_months=3, samples=50, diagnostics=False, baselines=False).to_dict() | {
        "_tiers": TIERS}


def test_labels_use_every_month_of_the_horizon():
    lab = label_history(HISTORY, ARR, 3)
    got = {(a, str(pd.Timestamp(d).date())): (bool(c), bool(x)) for a, d, c, x in
           zip(lab.account_id, lab.as_of, lab.churned, lab.lost)}
    assert len(got) == 14 and ("B", "2026-03-31") not in got and ("A", "2026-04-30") not in got
    assert {k for k, (c, _) in got.items() if c} == {("B", "2026-01-31"), ("B", "2026-02-28"),
                                                     ("E", "2026-02-28"), ("E", "2026-03-31")}
    assert {k for k, (_, x) in got.items() if x} - {k for k, (c, _) in got.items() if c} == {
        ("C", "2026-01-31"), ("C", "2026-02-28"), ("C", "2026-03-31")}


def test_labels_carry_each_judged_rows_account_its_code_and_its_sorted_rank():
    """Rows shuffled so accounts appear out of order: codes follow first appearance, ranks the sorted ids."""
    shuffled = HISTORY.sample(frac=1.0, random_state=4).reset_index(drop=True)
    lab = label_history(shuffled, ARR, 3)
    ids = shuffled["account_id"].to_numpy()[lab.rows]
    assert lab.account_id.tolist() == ids.tolist()
    assert lab.account_code.tolist() == pd.factorize(ids)[0].tolist()
    ranks = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}  # every account has a judged row
    assert lab.account_ranks().tolist() == [ranks[a] for a in ids]


def test_end_month_limits_the_judged_dates():
    # Trusting data only to May: Mar 31 would need June, so only Jan and Feb are judged (A B C D E = 10 rows).
    lab = label_history(HISTORY, ARR, 3, end_month=date(2026, 5, 1))
    assert len(lab) == 10 and set(pd.to_datetime(lab.as_of).month) == {1, 2}


def test_pooled_quality_by_hand(bt):
    q = bt["churn"]["pooled"]
    assert (q["rows"], q["positives"]) == (14, 4) and q["base_rate"] == pytest.approx(4 / 14)
    # Churners 40, 60, 72, 35 against the 10 others: 9 + 6 + 4 + 9 = 28 of 40 pairs score higher.
    assert q["auc"] == pytest.approx(28 / 40)
    # At risk (< 50): B Jan 40 and E Mar 35 churned, C Feb 45 and D Jan 30 did not.
    assert (q["true_positives"], q["false_positives"]) == (2, 2)
    assert q["recall"] == pytest.approx(0.5) and q["precision"] == pytest.approx(0.5)
    assert q["false_positive_rate"] == pytest.approx(2 / 10) and q["false_alert_share"] == pytest.approx(0.5)
    # Both churned accounts (B, E) were at risk at one of their dates before churning.
    assert (q["accounts_with_outcome"], q["caught_accounts"], q["recall_accounts"]) == (2, 2, 1.0)
    # Riskiest 1.4 rows: D 30 (no) and 0.4 of E 35 (yes): rate 0.4 / 1.4 over base 4 / 14 = lift 1.
    assert q["lift_top_decile"] == pytest.approx(1.0)
    assert q["auc_ci"][0] <= q["auc"] <= q["auc_ci"][1]


def test_churn_or_contraction_counts_the_dip(bt):
    q = bt["churn_or_contraction"]["pooled"]
    assert q["positives"] == 7 and q["true_positives"] == 3  # + C Feb 45 now a true alert


def test_renewal_window_slice(bt):
    # Horizon ends: Jan 31 -> Apr 30 (89 days), Feb 28 -> May 31 (92), Mar 31 -> Jun 30 (91).
    # In the window: B Jan 89 (at the edge), B Feb 60, E Feb 92 (edge), E Mar 61, D Jan -5 (overdue);
    # out: C Jan 90 (> 89), A Jan (unknown), the 200s.
    w = bt["churn"]["renewal_window"]
    assert (w["rows"], w["positives"]) == (5, 4)
    assert w["auc"] == pytest.approx(0.0)  # the one renewal that stayed (D, 30) scored below every churner
    assert w["recall"] == pytest.approx(0.5) and w["precision"] == pytest.approx(2 / 3)
    assert w["false_positive_rate"] == pytest.approx(1.0)


def test_slices_by_segment_and_date(bt):
    seg = {s["name"]: s for s in bt["churn"]["segments"]}
    assert seg["SMB"]["auc"] == pytest.approx(1.0)  # B 40, 60 below A 90, 85, 88
    assert seg["Enterprise"]["auc"] == pytest.approx(7 / 14)  # 72 beaten by 75 only; 35 by six of seven
    dates = {s["name"]: s for s in bt["churn"]["as_of_dates"]}
    assert dates["2026-01-31"]["rows"] == 5 and dates["2026-01-31"]["auc"] == pytest.approx(3 / 4)
    assert dates["2026-03-31"]["rows"] == 4  # B not paying in March


def test_tier_calibration_with_counts():
    bt = run_backtest(HISTORY, ARR, horizon_months=3, samples=0, diagnostics=False, baselines=False)
    got = {t.tier: (t.rows, t.positives) for t in bt.churn.tiers}
    assert got == {"Healthy": (6, 1), "Neutral": (4, 1), "At risk": (4, 2)}


def test_no_score_is_a_miss_not_a_drop():
    h = HISTORY.copy()
    h.loc[(h["account_id"] == "E") & (h["as_of"] == MAR), ["health_score", "at_risk", "tier"]] = [np.nan, False,
                                                                                                 "No data"]
    q = run_backtest(h, ARR, horizon_months=3, samples=0, diagnostics=False, baselines=False).churn.pooled
    assert (q.rows, q.scored_rows, q.positives, q.true_positives) == (14, 13, 4, 1)
    assert q.recall == pytest.approx(0.25)


def test_time_split_leaves_a_gap_of_the_horizon():
    ends = pd.date_range("2025-01-31", periods=12, freq="ME").to_numpy()
    s = time_split(ends, test_dates=6, gap_months=3)
    # Test Jul-Dec; a training row as of April is judged on May-Jul, which reaches the first test month's
    # outcome window only after Jul 31: the last training date is Apr 30 (Jul - 3 months).
    assert [str(d) for d in s.test_dates] == [f"2025-{m:02d}-{d}" for m, d in
                                              [(7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)]]
    assert [str(d) for d in s.train_dates] == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]
    short = time_split(ends[:5], test_dates=6, gap_months=1)  # at most half the dates are tested
    assert len(short.test_dates) == 2 and [str(d) for d in short.train_dates] == ["2025-01-31", "2025-02-28",
                                                                                   "2025-03-31"]
    assert not time_split(ends[:1], 6, 3).usable
