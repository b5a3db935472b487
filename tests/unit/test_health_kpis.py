"""Health KPIs and breakdowns over a small scored frame, worked by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from chs_core.kpis.health import breakdown, health_kpis

TIERS = ["Thriving", "Healthy", "Neutral", "At risk", "Critical"]
NAN = float("nan")

SCORED = pd.DataFrame([
    # account_id, health_score, tier, arr, segment, csm
    ("a1", 90, "Thriving", 1000, "SMB", "Ann"),
    ("a2", 75, "Healthy", 2000, "SMB", "Ann"),
    ("a3", 40, "At risk", 3000, "Enterprise", "Bob"),
    ("a4", 20, "Critical", 500, "Enterprise", "Bob"),
    ("a5", NAN, None, 4000, "SMB", "Ann"),          # no data: counted apart, never as 0
    ("a6", 60, "Neutral", 0, "Mid-Market", None),    # no CSM, no ARR
    ("a7", NAN, None, 100, "Mid-Market", "Cat"),     # Cat's only account is unscored
], columns=["account_id", "health_score", "tier", "arr", "segment", "csm"])


def test_headline_kpis():
    k = health_kpis(SCORED, at_risk_below=50, tier_order=TIERS)
    assert (k.accounts_scored, k.accounts_unscored, k.unscored_arr) == (5, 2, 4100)  # a5 4000 + a7 100
    assert k.avg_health == pytest.approx(57)                    # (90+75+40+20+60) / 5 = 285 / 5
    assert k.total_arr == 6500                                  # 1000+2000+3000+500+0
    # (90*1000 + 75*2000 + 40*3000 + 20*500 + 60*0) / 6500 = 370000 / 6500
    assert k.arr_weighted_health == pytest.approx(370000 / 6500)
    assert (k.at_risk_accounts, k.at_risk_arr) == (2, 3500)     # a3 40, a4 20 are < 50
    assert k.at_risk_share == pytest.approx(3500 / 6500)
    assert list(k.tier_counts) == TIERS
    assert k.tier_counts == {"Thriving": 1, "Healthy": 1, "Neutral": 1, "At risk": 1, "Critical": 1}
    assert k.tier_arr == {"Thriving": 1000, "Healthy": 2000, "Neutral": 0, "At risk": 3000, "Critical": 500}


def test_threshold_is_strictly_below():
    # a3 scores 40: at_risk_below=40 leaves only a4 (20) at risk.
    assert health_kpis(SCORED, at_risk_below=40, tier_order=TIERS).at_risk_arr == 500


def test_at_risk_column_used_when_no_threshold():
    flagged = SCORED.assign(at_risk=[False, True, False, False, True, None, False])
    k = health_kpis(flagged, at_risk_below=None, tier_order=TIERS)
    # a2 flagged (2000); a5 is flagged but unscored, so it does not count.
    assert (k.at_risk_accounts, k.at_risk_arr) == (1, 2000)


def test_nothing_scored_gives_none():
    k = health_kpis(SCORED[SCORED["health_score"].isna()], at_risk_below=50, tier_order=TIERS)
    assert k.accounts_scored == 0 and k.accounts_unscored == 2
    assert k.avg_health is None and k.arr_weighted_health is None and k.at_risk_share is None
    assert k.tier_counts == dict.fromkeys(TIERS, 0)


def test_breakdown_by_segment():
    b = breakdown(SCORED, "segment", at_risk_below=50, tier_order=TIERS)
    # Largest scored ARR first: Enterprise 3500, SMB 3000, Mid-Market 0.
    assert b["segment"].tolist() == ["Enterprise", "SMB", "Mid-Market"]
    b = b.set_index("segment")
    assert b.loc["SMB", ["accounts", "arr", "avg_health"]].tolist() == [2, 3000, 82.5]    # (90+75)/2
    assert b.loc["SMB", "arr_weighted_health"] == pytest.approx(80)                      # 240000 / 3000
    assert b.loc["SMB", ["at_risk_accounts", "at_risk_arr", "at_risk_share"]].tolist() == [0, 0, 0]
    assert b.loc["SMB", ["unscored_accounts", "unscored_arr"]].tolist() == [1, 4000]     # a5
    assert b.loc["Enterprise", "avg_health"] == 30                                       # (40+20)/2
    assert b.loc["Enterprise", "arr_weighted_health"] == pytest.approx(130000 / 3500)    # 120000+10000
    assert b.loc["Enterprise", ["at_risk_accounts", "at_risk_arr", "at_risk_share"]].tolist() == [2, 3500, 1.0]
    assert b.loc["Mid-Market", "avg_health"] == 60
    assert math.isnan(b.loc["Mid-Market", "arr_weighted_health"])    # no ARR to weigh by
    assert math.isnan(b.loc["Mid-Market", "at_risk_share"])
    assert b.loc["Enterprise", TIERS].tolist() == [0, 0, 0, 1, 1]
    assert b.loc["SMB", TIERS].tolist() == [1, 1, 0, 0, 0]
    assert b.loc["Mid-Market", TIERS].tolist() == [0, 0, 1, 0, 0]


def test_breakdown_by_csm_keeps_missing_and_unscored_groups():
    b = breakdown(SCORED, "csm", at_risk_below=50, tier_order=TIERS).set_index("csm")
    assert set(b.index) == {"Ann", "Bob", "Cat", "(not set)"}
    assert b.loc["(not set)", "accounts"] == 1                           # a6
    assert b.loc["Cat", ["accounts", "arr", "unscored_accounts", "unscored_arr"]].tolist() == [0, 0, 1, 100]
    assert math.isnan(b.loc["Cat", "avg_health"])                     # nothing scored, not 0
    assert b.loc["Ann", "avg_health"] == 82.5                         # a5 left out of the mean


def test_breakdown_unknown_column():
    with pytest.raises(ValueError, match="region"):
        breakdown(SCORED, "region", at_risk_below=50)
