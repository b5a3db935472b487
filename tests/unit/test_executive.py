"""executive_summary on the six-account book (tests/fixtures.py) and a hand-made scored history.

ARR snapshots used below (account: ARR; "-" = no row, which counts as 0):
    month     A     B     C     D    E    F
    2025-03  1200  2000  3000  800  -    500     start of the ttm to Mar 2026
    2025-09  1200  2000  3000  800  -    500
    2025-12  1200  2000  3000  800  600  500
    2026-03  0     1500  4200  800  600  -       A has a row with ARR 0, F has no row
"""
from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from chs_core.kpis.benchmarks import BENCHMARKS
from chs_core.kpis.executive import DEFINITIONS, executive_summary, scores_on
from chs_core.kpis.periods import resolve_period
from tests.fixtures import SEGMENTS, six_accounts_arr

TIERS = ["Thriving", "Healthy", "Neutral", "At risk", "Critical"]
TTM = resolve_period("ttm", date(2026, 3, 1))  # 2025-03 -> 2026-03; the one before: 2024-03 -> 2025-03
NOW, BEFORE = date(2026, 3, 31), date(2025, 3, 31)


def _scored() -> pd.DataFrame:
    """Hand-made scores at the two ttm period ends, plus a decoy date that must be ignored."""
    rows = [
        # at 2026-03-31: the customers then (A and F are gone)
        ("B", NOW, 42.0, "At risk", 1500.0, True),
        ("C", NOW, 88.0, "Thriving", 4200.0, False),
        ("D", NOW, 71.0, "Healthy", 800.0, False),
        ("E", NOW, math.nan, "No data", 600.0, False),  # unscored: counted apart, never as 0
        # at 2025-03-31 (previous ttm end)
        ("A", BEFORE, 60.0, "Neutral", 1200.0, False),
        ("B", BEFORE, 52.0, "Neutral", 2000.0, False),
        ("C", BEFORE, 90.0, "Thriving", 3000.0, False),
        # 45 but not at risk: its segment's cut-off (say 40) decided; the summary must trust at_risk
        ("D", BEFORE, 45.0, "At risk", 800.0, False),
        ("F", BEFORE, 20.0, "Critical", 500.0, True),
        # decoy: a date the ttm summary does not look at
        ("B", date(2025, 12, 31), 1.0, "Critical", 99999.0, True),
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "as_of", "health_score", "tier", "arr", "at_risk"])
    frame["as_of"] = pd.to_datetime(frame["as_of"])  # as score_dates returns it (datetime64)
    return frame


@pytest.fixture(scope="module")
def summary():
    return executive_summary(six_accounts_arr(), _scored(), TTM, TIERS)


def test_ttm_retention_by_hand(summary):
    r = summary.retention
    # start (2025-03): A1200 + B2000 + C3000 + D800 + F500 = 7500 (E has no row)
    # end (2026-03): A0 + B1500 + C4200 + D800 + E600 + F0 = 7100
    assert (r.start_arr, r.end_arr) == (7500.0, 7100.0)
    assert r.churn == 1700.0  # A 1200 (ARR 0 row) + F 500 (no row)
    assert r.contraction == 500.0  # B 2000 -> 1500
    assert r.expansion == 1200.0  # C 3000 -> 4200
    assert r.new == 600.0  # E, not in the cohort
    assert (r.cohort_accounts, r.retained_accounts, r.churned_accounts) == (5, 3, 2)
    assert (r.contracted_accounts, r.expanded_accounts, r.new_accounts) == (1, 1, 1)
    assert r.grr == pytest.approx(5300 / 7500)  # (7500 - 1700 - 500) / 7500 = 0.7067
    assert r.nrr == pytest.approx(6500 / 7500)  # (7500 - 1700 - 500 + 1200) / 7500 = 0.8667
    assert r.logo_retention == pytest.approx(3 / 5)  # B, C, D of A, B, C, D, F
    assert r.expansion_rate == pytest.approx(1 / 5)  # C


def test_bridge_adds_up_exactly(summary):
    b = summary.to_dict()["bridge"]
    # 7500 - 1700 - 500 + 1200 + 600 = 7100
    assert b == {"start_arr": 7500.0, "churn": 1700.0, "contraction": 500.0, "expansion": 1200.0,
                 "new": 600.0, "end_arr": 7100.0}
    assert b["start_arr"] - b["churn"] - b["contraction"] + b["expansion"] + b["new"] == b["end_arr"]


def test_previous_ttm_has_no_cohort(summary):
    p = summary.retention_previous
    # 2024-03 -> 2025-03: nobody paid in 2024-03 (data starts 2025-01), so all 2025-03 ARR is new business
    assert (summary.previous.start, summary.previous.end) == (date(2024, 3, 1), date(2025, 3, 1))
    assert (p.start_arr, p.new, p.end_arr, p.new_accounts, p.cohort_accounts) == (0.0, 7500.0, 7500.0, 5, 0)
    assert p.grr is None and p.nrr is None and p.logo_retention is None and p.expansion_rate is None


def test_quarter_and_previous_quarter_by_hand():
    s = executive_summary(six_accounts_arr(), _scored(), resolve_period("quarter", date(2026, 3, 1)), TIERS)
    q, prev = s.retention, s.retention_previous
    # Q1 2026, 2025-12 -> 2026-03: start 1200+2000+3000+800+600+500 = 8100, end 7100
    # churn A1200 + F500 = 1700, contraction B 500, expansion C 1200; 8100-1700-500+1200 = 7100
    assert (q.start_arr, q.churn, q.contraction, q.expansion, q.new, q.end_arr) == (
        8100.0, 1700.0, 500.0, 1200.0, 0.0, 7100.0)
    assert q.grr == pytest.approx(5900 / 8100)  # 0.7284
    assert q.nrr == pytest.approx(7100 / 8100)  # 0.8765
    assert q.logo_retention == pytest.approx(4 / 6)
    assert q.expansion_rate == pytest.approx(1 / 6)
    # Q4 2025, 2025-09 -> 2025-12: start 7500, only E arrives (new 600), nobody moves
    assert (prev.start_arr, prev.churn, prev.contraction, prev.expansion, prev.new, prev.end_arr) == (
        7500.0, 0.0, 0.0, 0.0, 600.0, 8100.0)
    assert (prev.grr, prev.nrr, prev.logo_retention, prev.expansion_rate) == (1.0, 1.0, 1.0, 0.0)
    assert s.health_as_of == date(2026, 3, 31) and s.health_previous_as_of == date(2025, 12, 31)
    # the decoy row is the only one at 2025-12-31: B, 1.0, at risk
    assert s.health_previous.avg_health == 1.0 and s.health_previous.at_risk_arr == 99999.0


def test_health_kpis_by_hand(summary):
    h = summary.health
    assert summary.health_as_of == NOW
    # scored at 2026-03-31: B 42 (1500), C 88 (4200), D 71 (800); E unscored (600)
    assert (h.accounts_scored, h.accounts_unscored, h.unscored_arr) == (3, 1, 600.0)
    assert h.avg_health == pytest.approx(67.0)  # (42 + 88 + 71) / 3 = 201 / 3
    # (42*1500 + 88*4200 + 71*800) / 6500 = (63000 + 369600 + 56800) / 6500 = 489400 / 6500 = 75.29
    assert h.arr_weighted_health == pytest.approx(489400 / 6500)
    assert (h.at_risk_accounts, h.at_risk_arr, h.total_arr) == (1, 1500.0, 6500.0)
    assert h.at_risk_share == pytest.approx(1500 / 6500)  # 0.2308
    assert h.tier_counts == {"Thriving": 1, "Healthy": 1, "Neutral": 0, "At risk": 1, "Critical": 0}
    assert h.tier_arr["Thriving"] == 4200.0


def test_previous_health_trusts_the_at_risk_column(summary):
    h = summary.health_previous
    assert summary.health_previous_as_of == BEFORE
    # A 60 (1200), B 52 (2000), C 90 (3000), D 45 (800), F 20 (500); the decoy date is ignored
    assert h.accounts_scored == 5
    assert h.avg_health == pytest.approx(53.4)  # 267 / 5
    # (72000 + 104000 + 270000 + 36000 + 10000) / 7500 = 492000 / 7500 = 65.6
    assert h.arr_weighted_health == pytest.approx(65.6)
    # only F is flagged; D scores 45 but its at_risk is False, so it is not counted
    assert (h.at_risk_accounts, h.at_risk_arr) == (1, 500.0)
    assert h.at_risk_share == pytest.approx(500 / 7500)


def test_account_filter_one_segment():
    smb = [a for a, s in SEGMENTS.items() if s == "SMB"]  # A, B, E
    s = executive_summary(six_accounts_arr(), _scored(), TTM, TIERS, account_ids=smb)
    r = s.retention
    # start A1200 + B2000 = 3200; end A0 + B1500 + E600 = 2100; 3200 - 1200 - 500 + 0 + 600 = 2100
    assert (r.start_arr, r.churn, r.contraction, r.expansion, r.new, r.end_arr) == (
        3200.0, 1200.0, 500.0, 0.0, 600.0, 2100.0)
    assert r.grr == pytest.approx(1500 / 3200) and r.nrr == pytest.approx(1500 / 3200)  # 0.46875
    assert r.logo_retention == pytest.approx(0.5) and r.expansion_rate == 0.0
    # health at 2026-03-31: B 42 scored, E unscored
    h = s.health
    assert (h.accounts_scored, h.accounts_unscored, h.avg_health, h.at_risk_arr, h.at_risk_share) == (
        1, 1, 42.0, 1500.0, 1.0)
    # previous end: A 60 (1200), B 52 (2000) -> avg 56, ARR-weighted (72000 + 104000) / 3200 = 55
    assert s.health_previous.avg_health == pytest.approx(56.0)
    assert s.health_previous.arr_weighted_health == pytest.approx(55.0)


def test_empty_filter_gives_none_not_a_crash():
    s = executive_summary(six_accounts_arr(), _scored(), TTM, TIERS, account_ids=[])
    r = s.retention
    assert (r.start_arr, r.end_arr, r.cohort_accounts) == (0.0, 0.0, 0)
    assert r.grr is None and r.nrr is None and r.logo_retention is None and r.expansion_rate is None
    assert s.health is None and s.health_previous is None
    json.dumps(s.to_dict())


def test_empty_scored_history():
    s = executive_summary(six_accounts_arr(), _scored().iloc[0:0], TTM, TIERS)
    assert s.health is None and s.health_previous is None
    assert s.retention.start_arr == 7500.0


def test_to_dict_is_plain_json_with_bridge_benchmarks_definitions(summary):
    d = json.loads(json.dumps(summary.to_dict()))  # no default=: every value must already be JSON
    assert d["period"]["start"] == "2025-03-01" and d["period"]["end"] == "2026-03-01"
    assert d["period"]["label"] == "12 months to Mar 2026"
    assert d["previous_period"]["start"] == "2024-03-01"
    assert d["health_as_of"] == "2026-03-31" and d["health_previous_as_of"] == "2025-03-31"
    assert d["retention"]["grr"] == pytest.approx(5300 / 7500)
    assert "period" not in d["retention"]
    assert d["bridge"]["end_arr"] == 7100.0
    assert d["health"]["at_risk_arr"] == 1500.0
    assert set(d["benchmarks"]) == set(BENCHMARKS)
    assert d["benchmarks"]["grr"] == {"low": 0.85, "high": 0.95, "higher_is_better": True}
    assert d["benchmarks"]["at_risk_share"] == {"low": None, "high": 0.15, "higher_is_better": False}
    assert set(d["definitions"]) == set(DEFINITIONS)
    for key in ("grr", "nrr", "logo_retention", "expansion_rate", "churn", "new", "cohort"):
        assert d["definitions"][key]


def test_scores_on_picks_one_date():
    rows = scores_on(_scored(), NOW)
    assert sorted(rows["account_id"]) == ["B", "C", "D", "E"]


def test_health_history_by_hand():
    from chs_core.kpis.executive import health_history

    hist = pd.DataFrame({
        "account_id": ["A", "B", "C", "A", "B", "C"],
        "as_of": [date(2026, 1, 31)] * 3 + [date(2026, 2, 28)] * 3,
        "health_score": [40.0, 80.0, float("nan"), 30.0, 90.0, 60.0],
        "arr": [1000.0, 3000.0, 500.0, 1000.0, 3000.0, 1000.0],
        "at_risk": [True, False, False, True, False, False],
    })
    out = health_history(hist).set_index("as_of")
    jan, feb = out.loc[date(2026, 1, 31)], out.loc[date(2026, 2, 28)]
    # Jan: C unscored is left out. avg (40+80)/2 = 60; weighted (40*1000+80*3000)/4000 = 70; at risk A 1000 of 4000.
    assert (jan["accounts"], jan["avg_health"], jan["arr_weighted_health"]) == (2, 60.0, 70.0)
    assert (jan["at_risk_arr"], jan["at_risk_share"]) == (1000.0, 0.25)
    # Feb: avg (30+90+60)/3 = 60; weighted (30000+270000+60000)/5000 = 72; at risk 1000/5000 = 0.2.
    assert (feb["accounts"], feb["avg_health"], feb["arr_weighted_health"], feb["at_risk_share"]) == (3, 60.0, 72.0, 0.2)
    # Filtered to B only: 80 then 90, no ARR at risk.
    only_b = health_history(hist, ["B"])
    assert only_b["avg_health"].tolist() == [80.0, 90.0] and only_b["at_risk_arr"].tolist() == [0.0, 0.0]
