"""Scoring: normalisation, composite by hand, re-weighting, flags, caps, overrides, contributions."""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chs_core.metrics.catalog import SIGNAL_NAMES
from chs_core.model import Normalisation, load_model, model_to_dict, parse_model
from chs_core.scoring.normalise import normalise
from chs_core.scoring.score import explain, score_frame

ROOT = Path(__file__).resolve().parents[2]
TIERS = [
    {"name": "Thriving", "min_score": 85, "color": "#1", "play": "expand"},
    {"name": "Healthy", "min_score": 70, "color": "#2", "play": "monitor"},
    {"name": "Neutral", "min_score": 50, "color": "#3", "play": "engage"},
    {"name": "At risk", "min_score": 30, "color": "#4", "play": "intervene"},
    {"name": "Critical", "min_score": 0, "color": "#5", "play": "escalate"},
]
HB, LB = "higher_better", "lower_better"


@pytest.fixture(scope="module")
def model():
    """Small model whose arithmetic is easy to follow (weights sum to 100 and 4 / 2 / 1)."""
    return parse_model({
        "components": {
            "usage": {"weight": 50, "metrics": {
                "active_user_ratio": {"weight": 3, "direction": HB, "bad": 0.1, "good": 0.7},
                "feature_breadth": {"weight": 1, "direction": HB, "bad": 0, "good": 1}}},
            "support": {"weight": 30, "metrics": {
                "tickets_per_seat_90d": {"weight": 1, "direction": "band", "band": [0.1, 0.5],
                                         "bad_below": 0, "bad_above": 1.5},
                "escalations_90d": {"weight": 1, "direction": LB, "bad": 4, "good": 0}}},
            "financial": {"weight": 20, "metrics": {
                "days_past_due": {"weight": 1, "direction": LB, "bad": 60, "good": 0}}},
        },
        "flags": {
            "escalation": {"label": "Escalation", "severity": "high", "signal": "escalations_30d", "op": ">=",
                           "value": 1, "penalty": 10},
            "champion": {"label": "Champion left", "severity": "critical", "signal": "champion_left_90d",
                         "op": ">=", "value": 1, "penalty": 5, "cap": 40},
            "downgrade": {"label": "Downgrade", "severity": "very_high", "penalty": 20, "any": [
                {"signal": "arr_trend", "op": "<", "value": 0}, {"signal": "seat_trend", "op": "<", "value": 0}]},
        },
        "tiers": TIERS,
        "overrides": {
            "segments": {"Enterprise": {
                "components": {"usage": {"metrics": {"active_user_ratio": {"good": 0.5}}}},
                "tiers": {"Thriving": 80}}},
            "lifecycle_stages": {"onboarding": {"components": {"financial": {"weight": 0}}}},
        },
    }, source="test")


COLS = ["account_id", "segment", "tenure_months", "active_user_ratio", "feature_breadth", "tickets_per_seat_90d",
        "escalations_90d", "days_past_due", "escalations_30d", "champion_left_90d", "arr_trend", "seat_trend"]
nan = math.nan
ROWS = [
    # A: everything present, no flags
    ("A", "SMB", 24, 0.55, 0.4, 0.3, 1, 30, 0, 0, 0.0, 0.0),
    # B: feature_breadth and the whole financial component missing; an escalation in the last 30 days
    ("B", "SMB", 24, 0.25, nan, 0.05, 0, nan, 2, 0, nan, nan),
    # C: Enterprise onboarding (financial weight 0), champion left and ARR down
    ("C", "Enterprise", 1, 0.3, 0.5, 2.0, 4, 0, 0, 1, -0.1, nan),
    # D: perfect metrics but the champion left: the cap bites
    ("D", "SMB", 24, 0.8, 1.0, 0.2, 0, 0, 0, 1, 0.0, 0.0),
    # E: no data at all
    ("E", "SMB", 24, nan, nan, nan, nan, nan, nan, nan, nan, nan),
    # F: everything at its worst plus 30 penalty points: the score stops at 0
    ("F", "SMB", 24, 0.1, 0.0, 0.0, 4, 60, 1, 0, 0.0, -0.5),
    # G / H: same metrics, Enterprise vs Mid-Market (segment threshold and tier overrides)
    ("G", "Enterprise", 24, 0.4, 0.4, 0.3, 0, 0, 0, 0, 0.0, 0.0),
    ("H", "Mid-Market", 24, 0.4, 0.4, 0.3, 0, 0, 0, 0, 0.0, 0.0),
]


@pytest.fixture(scope="module")
def scores(model):
    df = pd.DataFrame(ROWS, columns=COLS)
    df.insert(1, "as_of", pd.Timestamp("2025-03-31"))
    return score_frame(df, model)


def row(scores, account):
    return scores.frame.set_index("account_id").loc[account]


# --- normalisation -------------------------------------------------------------------------
def test_higher_better_linear_and_clamped():
    n = Normalisation(HB, bad=0.1, good=0.7)
    # (x - 0.1) / 0.6 * 100: 0.1 -> 0, 0.4 -> 50, 0.7 -> 100; outside clamps
    out = normalise(np.array([0.05, 0.1, 0.4, 0.7, 0.9, nan]), n)
    np.testing.assert_allclose(out, [0, 0, 50, 100, 100, nan])


def test_lower_better_linear_and_clamped():
    n = Normalisation(LB, bad=60, good=0)
    # (60 - x) / 60 * 100: 0 -> 100, 15 -> 75, 60 -> 0
    np.testing.assert_allclose(normalise(np.array([-5, 0, 15, 60, 90, nan]), n), [100, 100, 75, 0, 0, nan])


def test_band():
    n = Normalisation("band", band_low=0.1, band_high=0.5, bad_below=0, bad_above=1.5)
    # below: x / 0.1; inside: 100; above: (1.5 - x) / 1.0
    out = normalise(np.array([-1, 0, 0.05, 0.1, 0.3, 0.5, 1.0, 1.5, 2.0, nan]), n)
    np.testing.assert_allclose(out, [0, 0, 50, 100, 100, 100, 50, 0, 0, nan])


# --- composite by hand -----------------------------------------------------------------------
def test_full_data_account_by_hand(scores):
    a = row(scores, "A")
    # active (0.55-0.1)/0.6 = 75, breadth 40 -> usage (3*75 + 1*40)/4 = 66.25
    # tickets 0.3 in band -> 100, escalations (4-1)/4 = 75 -> support 87.5; days past due 30 -> 50
    # base = (50*66.25 + 30*87.5 + 20*50) / 100 = (3312.5 + 2625 + 1000) / 100 = 69.375
    assert a.component_score_usage == pytest.approx(66.25)
    assert a.component_score_support == pytest.approx(87.5)
    assert a.component_score_financial == pytest.approx(50)
    assert a.health_score == pytest.approx(69.375) and a.base_score == pytest.approx(69.375)
    assert a.tier == "Neutral" and not a.at_risk and a.coverage == pytest.approx(1.0)
    assert a.lifecycle_stage == "mature" and a["flags"] == "" and a.penalty_points == 0 and not a.capped


def test_missing_metric_and_component_reweighted(scores):
    b = row(scores, "B")
    # usage = active only: (0.25-0.1)/0.6 = 25; support = (50 + 100)/2 = 75; financial dropped
    # base = (50*25 + 30*75) / (50+30) = 3500/80 = 43.75; escalation flag -10 -> 33.75
    assert math.isnan(b.metric_score_feature_breadth) and math.isnan(b.component_score_financial)
    assert b.component_score_usage == pytest.approx(25) and b.component_score_support == pytest.approx(75)
    assert b.base_score == pytest.approx(43.75)
    assert b.health_score == pytest.approx(33.75)
    # coverage: active 0.5*3/4 = 0.375, tickets + escalations 0.3*(1/2+1/2) = 0.3 -> 0.675
    assert b.coverage == pytest.approx(0.675)
    assert b.flag_escalation and b["flags"] == "Escalation" and b.penalty_points == 10
    assert b.tier == "At risk" and b.at_risk


def test_no_data_account(scores):
    e = row(scores, "E")
    assert math.isnan(e.health_score) and e.tier == "No data" and e.coverage == 0 and not e.at_risk


def test_segment_and_stage_overrides_in_scoring(scores):
    c = row(scores, "C")
    # Enterprise good 0.5: active (0.3-0.1)/0.4 = 50, breadth 50 -> usage 50; tickets 2.0 -> 0, escalations 4 -> 0
    # onboarding: financial weight 0 -> base = (50*50 + 30*0)/80 = 31.25; coverage (50+30)/80 = 1
    # flags: champion -5 and downgrade (arr_trend < 0; seat_trend NaN never fires) -20 -> 6.25; cap 40 not reached
    assert c.lifecycle_stage == "onboarding"
    assert c.base_score == pytest.approx(31.25) and c.coverage == pytest.approx(1.0)
    assert c.health_score == pytest.approx(6.25) and not c.capped and c.tier == "Critical"
    assert c["flags"] == "Champion left, Downgrade"
    g, h = row(scores, "G"), row(scores, "H")
    # G (Enterprise): active (0.4-0.1)/0.4 = 75 -> usage (225+40)/4 = 66.25; support 100, financial 100
    #   base = (3312.5 + 3000 + 2000)/100 = 83.125 -> Thriving, since Enterprise's Thriving starts at 80
    # H (Mid-Market): active (0.3/0.6) = 50 -> usage (150+40)/4 = 47.5 -> (2375 + 5000)/100 = 73.75 -> Healthy
    assert g.health_score == pytest.approx(83.125) and g.tier == "Thriving"
    assert h.health_score == pytest.approx(73.75) and h.tier == "Healthy"


def test_cap_and_floor(scores):
    d = row(scores, "D")
    # base 100, champion penalty 5 -> 95, cap 40 -> 40
    assert d.base_score == pytest.approx(100) and d.health_score == pytest.approx(40)
    assert d.capped and d.tier == "At risk"
    f = row(scores, "F")
    # base 0, escalation 10 + downgrade (seat_trend -0.5) 20 -> clamped at 0
    assert f.base_score == pytest.approx(0) and f.penalty_points == 30 and f.health_score == 0


@pytest.mark.parametrize("account", list("ABCDFGH"))
def test_contributions_sum_to_score(scores, account):
    c = explain(scores, account, "2025-03-31")
    assert set(c["account_id"]) == {account}
    assert c["points"].sum() == pytest.approx(row(scores, account).health_score, abs=1e-9)


def test_contributions_detail(scores):
    c = explain(scores, "B", None).set_index("name")
    # active: share 50/80 * 3/3 = 0.625 -> 15.625 points; escalations: 30/80 * 1/2 = 0.1875 -> 18.75
    assert c.loc["active_user_ratio", "weight_share"] == pytest.approx(0.625)
    assert c.loc["active_user_ratio", "points"] == pytest.approx(15.625)
    assert c.loc["escalations_90d", "points"] == pytest.approx(18.75)
    assert c.loc["feature_breadth", "points"] == 0  # missing: listed, worth nothing
    assert c.loc["escalation", "kind"] == "flag" and c.loc["escalation", "points"] == -10
    d = explain(scores, "D", None).set_index("name")
    assert d.loc["cap", "kind"] == "cap" and d.loc["cap", "points"] == pytest.approx(-55)  # 95 -> 40
    f = explain(scores, "F", None).set_index("name")
    assert f.loc["floor", "points"] == pytest.approx(30)  # 0 - 30 clamped back to 0


def test_all_contributions_match_frame(scores):
    total = scores.contributions.groupby("account_id")["points"].sum(min_count=1)
    expected = scores.frame.set_index("account_id")["health_score"]
    pd.testing.assert_series_equal(total.sort_index(), expected.sort_index(), check_names=False)


def test_missing_columns_and_unknown_segment(model):
    df = pd.DataFrame({"account_id": ["X"], "as_of": [pd.Timestamp("2025-01-01")], "segment": ["Startup"],
                       "active_user_ratio": [0.7]})
    x = score_frame(df, model).frame.iloc[0]
    # only active_user_ratio (100); no tenure -> stage unknown; no signal columns -> no flags
    assert x.health_score == 100 and x.lifecycle_stage == "unknown" and x["flags"] == ""
    assert x.coverage == pytest.approx(0.5 * 3 / 4)


# --- minimum coverage -------------------------------------------------------------------------
THIN = pd.DataFrame({
    "account_id": ["S", "T", "U"], "as_of": pd.Timestamp("2025-03-31"), "segment": "SMB", "tenure_months": 24.0,
    # S: support only -> coverage 0.3 * (1/2 + 1/2) = 0.3
    # T: feature_breadth + escalations -> coverage 0.5 * 1/4 + 0.3 * 1/2 = 0.125 + 0.15 = 0.275; champion left
    # U: feature_breadth only -> coverage 0.125
    "active_user_ratio": [nan, nan, nan], "feature_breadth": [nan, 0.0, 0.5],
    "tickets_per_seat_90d": [0.3, nan, nan], "escalations_90d": [1.0, 4.0, nan], "days_past_due": [nan, nan, nan],
    "champion_left_90d": [0.0, 1.0, 0.0],
})


def _with_min_coverage(model, value):
    return parse_model({**model_to_dict(model), "min_coverage": value}, source="test")


def test_default_min_coverage_is_0_3(model):
    assert model.min_coverage == 0.3  # the fixture does not set it
    assert load_model(ROOT / "model.yaml").min_coverage == 0.3


def test_coverage_at_the_threshold_is_scored(model):
    s = score_frame(THIN, model).frame.set_index("account_id").loc["S"]
    # tickets 0.3 in band -> 100, escalations (4-1)/4 -> 75: support 87.5 is the whole base; coverage 0.3 = 0.3
    assert s.coverage == pytest.approx(0.3)
    assert s.health_score == pytest.approx(87.5) and s.tier == "Thriving"


def test_coverage_below_the_threshold_is_no_data(model):
    f = score_frame(THIN, model).frame.set_index("account_id")
    t = f.loc["T"]
    # coverage 0.275 < 0.3. Would be: breadth 0 and escalations 4 -> 0, base 0, champion -5 -> 0, Critical, at risk.
    assert t.coverage == pytest.approx(0.275)
    assert math.isnan(t.health_score) and t.tier == "No data" and not t.at_risk and not t.capped
    # What data there was stays visible.
    assert t.base_score == 0 and t.component_score_usage == 0 and t.component_score_support == 0
    assert math.isnan(t.component_score_financial) and t.metric_score_escalations_90d == 0
    assert t.flag_champion and t["flags"] == "Champion left" and t.penalty_points == 5
    u = f.loc["U"]  # coverage 0.125: breadth 0.5 -> 50 would have been the score
    assert math.isnan(u.health_score) and u.tier == "No data" and u.base_score == pytest.approx(50)
    # S again, with the threshold just above its coverage 0.3: not scored any more.
    s = score_frame(THIN, _with_min_coverage(model, 0.301)).frame.set_index("account_id").loc["S"]
    assert math.isnan(s.health_score) and s.tier == "No data" and s.base_score == pytest.approx(87.5)


def test_explain_below_min_coverage_lists_the_data_with_nan_points(model):
    c = explain(score_frame(THIN, model), "T").set_index("name")
    # Shares as if scored, re-weighted over what is present (active and tickets missing, financial dropped):
    # breadth 50/80 * 1/1 = 0.625, escalations 30/80 * 1/1 = 0.375; no points.
    assert c.loc["feature_breadth", "weight_share"] == pytest.approx(0.625)
    assert c.loc["escalations_90d", "weight_share"] == pytest.approx(0.375)
    assert c.loc["escalations_90d", "metric_score"] == 0
    assert c["points"].isna().all()
    assert c.loc["champion", "kind"] == "flag" and "cap" not in c.index  # no score, so nothing was capped
    assert math.isnan(c["points"].sum(min_count=1))  # sums to the (NaN) health_score


def test_min_coverage_0_scores_as_before(model):
    f = score_frame(THIN, _with_min_coverage(model, 0)).frame.set_index("account_id")
    # T: base 0 - 5 -> clamped 0, cap 40 not lower -> 0; U: 50; S: 87.5 as above
    assert f.loc["T", "health_score"] == 0 and f.loc["T", "tier"] == "Critical" and f.loc["T", "at_risk"]
    assert f.loc["U", "health_score"] == pytest.approx(50) and f.loc["U", "tier"] == "Neutral"
    assert f.loc["S", "health_score"] == pytest.approx(87.5)
    # Coverage 0 still has nothing to score.
    e = score_frame(pd.DataFrame({"account_id": ["E"], "as_of": [pd.Timestamp("2025-03-31")]}),
                    _with_min_coverage(model, 0)).frame.iloc[0]
    assert e.coverage == 0 and math.isnan(e.health_score) and e.tier == "No data"


def test_default_model_scores_60k_mixed_rows():
    # Speed is measured in scripts/benchmark.py, not here: this checks a large mixed frame scores sanely.
    model = load_model(ROOT / "model.yaml")
    rng = np.random.default_rng(0)
    n = 60_000
    df = pd.DataFrame({"account_id": [f"a{i}" for i in range(n)], "as_of": pd.Timestamp("2025-01-01"),
                       "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], n),
                       "tenure_months": rng.uniform(0, 40, n)})
    for s in SIGNAL_NAMES:
        if s != "tenure_months":
            v = rng.normal(0.3, 0.5, n)
            v[rng.random(n) < 0.1] = np.nan
            df[s] = v
    out = score_frame(df, model)
    scored = out.frame["health_score"].dropna()
    assert len(out.frame) == n and scored.between(0, 100).all() and len(scored) > 0.9 * n
    assert set(out.frame["segment"]) == {"SMB", "Mid-Market", "Enterprise"}


# Default model, one row per flag: nps 50 scores 100 and is the only metric, unless the trigger is itself a
# metric. No segment and no tenure, so no override applies (base weights: engagement 25, growth 20).
@pytest.mark.parametrize("flag, signal, value, expected", [
    ("champion_departure", "champion_left_90d", 1, 49),  # 100 - 15 = 85, capped at 49
    # arr_trend -0.1 -> (-0.1+0.2)/0.3 = 33.33 -> base (25*100 + 20*33.33)/45 = 70.37; -15
    ("downgrade", "arr_trend", -0.1, (2500 + 20 * 100 / 3) / 45 - 15),
    # usage_trend -0.4 -> 0 -> base 2500/45 = 55.56; -10
    ("usage_decline", "usage_trend", -0.4, 2500 / 45 - 10),
    ("negative_dm_nps", "dm_detractors_180d", 1, 90),
    ("escalation", "escalations_30d", 2, 90),
    ("missed_renewal_meeting", "missed_renewal_meetings_90d", 1, 90),
    ("competitor_mention", "competitor_mentions_90d", 3, 90),
    ("budget_mention", "budget_mentions_90d", 1, 95),
])
def test_default_flags_fire(flag, signal, value, expected):
    # nps alone is 25/105 * 3/6 = 0.12 of the weight: min_coverage 0 so one flag can be checked at a time.
    model = replace(load_model(ROOT / "model.yaml"), min_coverage=0.0)
    df = pd.DataFrame({"account_id": ["F", "OK"], "as_of": pd.Timestamp("2025-01-01"), "nps": [50.0, 50.0],
                       signal: [value, np.nan]})
    f = score_frame(df, model).frame.set_index("account_id")
    fired = [c[len("flag_"):] for c in f.columns if c.startswith("flag_") and f.loc["F", c]]
    assert fired == [flag]
    assert f.loc["F", "health_score"] == pytest.approx(expected)
    assert not any(f.loc["OK", c] for c in f.columns if c.startswith("flag_"))  # missing signal never fires
    assert f.loc["OK", "health_score"] == pytest.approx(100)
    assert f.loc["F", "capped"] == (flag == "champion_departure")


def test_lean_scoring_gives_the_same_scores_without_the_explain_columns(model, scores):
    """detail=False (the backtest's scoring of a model never scored) keeps every other column as it is."""
    df = pd.DataFrame(ROWS, columns=COLS)
    df.insert(1, "as_of", pd.Timestamp("2025-03-31"))
    lean = score_frame(df, model, detail=False)
    dropped = [c for c in scores.frame.columns if c.startswith(("metric_score_", "component_score_"))]
    assert dropped and not set(dropped) & set(lean.frame.columns)
    pd.testing.assert_frame_equal(lean.frame, scores.frame.drop(columns=dropped))
    assert lean.raw.empty and lean.weight_shares.empty


def test_the_scored_frame_and_its_input_change_independently(model):
    """Scoring wraps the arrays it makes without copying them: writing to one frame never shows in the other."""
    df = pd.DataFrame(ROWS, columns=COLS)
    df.insert(1, "as_of", pd.Timestamp("2025-03-31"))
    df["arr"] = 1000.0
    frame = score_frame(df, model).frame
    before = frame["health_score"].copy()
    frame.loc[0, "arr"] = 5.0
    df.loc[1, "arr"] = 7.0
    assert df.loc[0, "arr"] == 1000.0 and frame.loc[1, "arr"] == 1000.0
    again = score_frame(df, model).frame
    again.loc[0, "health_score"] = -1.0
    pd.testing.assert_series_equal(frame["health_score"], before)
