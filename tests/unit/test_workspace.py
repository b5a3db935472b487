"""The workspace core by hand: explain (missing metric, flag, cap), explain_change (override switch), the queue.

Model (below): usage 60 = active_user_ratio (weight 3, 0 -> 0 pts, 1 -> 100) + feature_breadth (weight 1, same);
support 40 = escalations_90d (4 -> 0 pts, 0 -> 100). The stage "mature" (tenure >= 12) raises support to 60,
so a mature account weighs usage and support 50/50. Flags: champion left -10 and cap 40; escalation -5.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from chs_core.model import parse_model
from chs_core.workspace import QueueFilter, apply_filter, build_queue, explain, explain_change, totals
from chs_core.workspace.words import rounded_to_total, rule_text, value_text

HB = "higher_better"
D1, D2 = date(2026, 3, 31), date(2026, 4, 30)
TIERS = [{"name": "Thriving", "min_score": 85, "color": "#1", "play": "expand"},
         {"name": "Neutral", "min_score": 50, "color": "#3", "play": "engage"},
         {"name": "At risk", "min_score": 30, "color": "#4", "play": "intervene"},
         {"name": "Critical", "min_score": 0, "color": "#5", "play": "escalate"}]


@pytest.fixture(scope="module")
def model():
    return parse_model({
        "components": {
            "usage": {"weight": 60, "metrics": {
                "active_user_ratio": {"weight": 3, "direction": HB, "bad": 0, "good": 1},
                "feature_breadth": {"weight": 1, "direction": HB, "bad": 0, "good": 1}}},
            "support": {"weight": 40, "metrics": {
                "escalations_90d": {"weight": 1, "direction": "lower_better", "bad": 4, "good": 0}}}},
        "flags": {
            "champion_departure": {"label": "Champion left", "severity": "critical", "signal": "champion_left_90d",
                                   "op": ">=", "value": 1, "penalty": 10, "cap": 40, "action": "find a champion"},
            "escalation": {"label": "Support escalation", "severity": "high", "signal": "escalations_30d",
                           "op": ">=", "value": 1, "penalty": 5, "action": "own the escalation"}},
        "tiers": TIERS, "min_coverage": 0,
        "lifecycle": {"stages": [{"name": "onboarding", "from_months": 0}, {"name": "mature", "from_months": 12}]},
        "overrides": {"lifecycle_stages": {"mature": {"components": {"support": {"weight": 60}}}}},
    })


def _row(account: str, as_of: date, tenure: float, aur: float, fb: float, esc: float, champion: float = 0,
         esc_30d: float = 0, arr: float = 1000.0, renewal: float = 200.0) -> dict:
    return {"account_id": account, "as_of": pd.Timestamp(as_of), "account_name": f"Account {account}",
            "segment": "SMB", "region": "NA", "csm": "Ann", "arr": arr, "tenure_months": tenure,
            "active_user_ratio": aur, "feature_breadth": fb, "escalations_90d": esc, "champion_left_90d": champion,
            "escalations_30d": esc_30d, "days_to_renewal": renewal}


@pytest.fixture(scope="module")
def story() -> pd.DataFrame:
    # D1: onboarding, feature_breadth missing, one escalation. D2: mature, everything perfect, champion left.
    return pd.DataFrame([_row("X", D1, 5, 0.5, np.nan, 1, esc_30d=1), _row("X", D2, 13, 1.0, 1.0, 0, champion=1)])


def test_explain_missing_metric_and_flag(model, story):
    e = explain(story, model, "X", D1)
    # usage holds only active users (feature breadth missing, its weight goes to the other usage metric):
    # 60% x 50 = 30 pts; support 40% x 75 (1 escalation of 4) = 30 pts; base 60; escalation flag -5 -> 55.
    assert e.score == pytest.approx(55.0) and e.tier == "Neutral" and e.base_score == pytest.approx(60.0)
    # Coverage: active users 0.6 x 3/4 + escalations 0.4 = 0.85 of the model's weight.
    assert e.coverage == pytest.approx(0.85)
    w = e.waterfall.set_index("name")["points"]
    assert w.to_dict() == pytest.approx({"active_user_ratio": 30.0, "escalations_90d": 30.0, "escalation": -5.0})
    assert math.isclose(e.waterfall["points"].sum(), e.score, abs_tol=1e-9)
    fb = e.metrics.set_index("name").loc["feature_breadth"]
    assert fb["status"] == "no data, re-weighted" and fb["value"] == "no data" and fb["points"] == 0
    assert e.metrics.set_index("name").at["active_user_ratio", "rule"] == "0% -> 0 pts, 100% -> 100 pts, higher is better"
    assert list(e.flags["name"]) == ["escalation"] and e.overrides == ()
    assert e.play == "engage"


def test_explain_cap(model, story):
    e = explain(story, model, "X", D2)
    # Mature: usage and support 50/50, all at 100 -> base 100; champion -10 -> 90; its cap holds it at 40.
    w = e.waterfall.set_index("name")["points"]
    assert w.to_dict() == pytest.approx({"active_user_ratio": 37.5, "feature_breadth": 12.5, "escalations_90d": 50.0,
                                         "champion_departure": -10.0, "cap": -50.0})
    assert e.score == pytest.approx(40.0) and e.tier == "At risk"
    assert math.isclose(e.waterfall["points"].sum(), 40.0, abs_tol=1e-9)
    assert e.overrides == ("stage mature",) and e.flags.iloc[0]["action"] == "find a champion"


def test_change_with_an_override_switch(model, story):
    c = explain_change(story, model, "X", D1, D2)
    assert c.score_from == pytest.approx(55.0) and c.score_to == pytest.approx(40.0)
    # D1's data under the mature rules: usage 50% x 50 = 25, support 50% x 75 = 37.5, base 62.5, -5 -> 57.5,
    # so the rules alone moved the score by 57.5 - 55 = +2.5. Data terms (mature rules both sides):
    # active users 37.5 - 25, breadth 12.5 - 0, escalations 50 - 37.5, champion -10, escalation flag gone +5,
    # cap -50. Sum: 12.5 + 12.5 + 12.5 - 10 + 5 - 50 + 2.5 = -15 = 40 - 55.
    t = c.terms.set_index("name")["change"]
    assert t.to_dict() == pytest.approx({"active_user_ratio": 12.5, "feature_breadth": 12.5, "escalations_90d": 12.5,
                                         "champion_departure": -10.0, "escalation": 5.0, "cap": -50.0,
                                         "effective_model": 2.5})
    assert math.isclose(c.terms["change"].sum(), c.change, abs_tol=1e-9) and c.change == pytest.approx(-15.0)
    model_row = c.terms.set_index("name").loc["effective_model"]
    assert model_row["kind"] == "model" and "stage mature" in model_row["label"]
    fb = c.terms.set_index("name").loc["feature_breadth"]
    assert (fb["value_from"], fb["value_to"]) == ("no data", "100%")


def test_change_without_an_override_switch_has_no_model_term(model):
    rows = pd.DataFrame([_row("Y", D1, 13, 0.8, 0.8, 0), _row("Y", D2, 14, 0.4, 0.8, 0)])
    c = explain_change(rows, model, "Y", D1, D2)
    # Mature both days: active users 0.5 x 3/4 = 0.375 of the score, 0.8 -> 0.4 is 80 -> 40 pts: -15.
    assert c.terms.set_index("name")["change"].to_dict() == pytest.approx({"active_user_ratio": -15.0})
    assert c.change == pytest.approx(-15.0)


def test_change_when_not_a_customer_on_the_first_date(model, story):
    c = explain_change(story, model, "X", date(2026, 1, 31), D2)
    assert c.terms.empty and "not a customer on 2026-01-31" in c.note
    assert explain(story, model, "X", date(2026, 1, 31)) is None


def test_rounded_terms_add_up_to_the_rounded_total():
    shown = rounded_to_total(np.array([0.25, 0.25, 0.25, 0.25]))
    assert shown.sum() == pytest.approx(1.0) and set(shown) == {0.2, 0.3}
    assert rounded_to_total(np.array([33.33, 33.33, 33.34])).sum() == pytest.approx(100.0)
    # -10.0 + 5.0 + 40.1 = 35.1 = the total 35.05 shown with one decimal (plain rounding gives 35.0 + 0.1 drift).
    assert list(rounded_to_total(np.array([-10.04, 5.03, 40.06]))) == pytest.approx([-10.0, 5.0, 40.1])


def test_words(model):
    assert value_text("usage_trend", -0.3) == "-30%" and value_text("days_to_renewal", 12.0) == "12 days"
    assert value_text("nps", float("nan")) == "no data"
    rule = rule_text("escalations_90d", model.component("support").metric("escalations_90d").norm)
    assert rule == "4 -> 0 pts, 0 -> 100 pts, lower is better"


# --- the queue --------------------------------------------------------------------------------------------
AS_OF = date(2026, 5, 31)


@pytest.fixture(scope="module")
def queue(model) -> pd.DataFrame:
    # Onboarding, breadth missing, so score = 60 x active users + 40 x (1 - escalations / 4) - flags.
    rows = []
    for back in (30, 14, 7, 0):
        d = AS_OF - timedelta(days=back)
        # P: 0.9 active, 0 escalations -> 54 + 40 = 94; on AS_OF 0.4 active and the champion left:
        #    24 + 40 - 10 = 54, capped at 40. Renews in 30 days.
        rows.append(_row("P", d, 5, 0.4 if back == 0 else 0.9, np.nan, 0, champion=1 if back == 0 else 0,
                         arr=1000, renewal=30))
        # Q: 0.3 active, 2 escalations every day -> 18 + 20 = 38, at risk all month. R: perfect, 100.
        rows.append(_row("Q", d, 5, 0.3, np.nan, 2, arr=5000, renewal=200))
        rows.append(_row("R", d, 5, 1.0, np.nan, 0, arr=3000, renewal=400))
    touches = pd.DataFrame({"account_id": ["P"], "last_touch": [AS_OF - timedelta(days=3)]})
    return build_queue(pd.DataFrame(rows), model, AS_OF, touches)


def test_queue_rows(queue):
    q = queue.set_index("account_id")
    assert q.loc["P", "health_score"] == pytest.approx(40) and q.loc["Q", "health_score"] == pytest.approx(38)
    assert q.loc["P", "change_7d"] == pytest.approx(-54) and q.loc["P", "change_30d"] == pytest.approx(-54)
    assert q.loc["Q", "change_7d"] == pytest.approx(0)
    # P fell 54 points in 14 days (>= 20): alert; newly at risk (94 a week ago). Q was at risk already.
    assert q["alert"].to_dict() == {"P": True, "Q": False, "R": False}
    assert q["newly_at_risk"].to_dict() == {"P": True, "Q": False, "R": False}
    assert q.loc["P", "drop_14d"] == pytest.approx(54)
    # P: active users cost 60 - 24 = 36 pts; the champion flag 10 + the 14 its cap took off = 24.
    assert q.loc["P", "reasons"] == "Active users 40% (−36 pts); Champion left (−24 pts)"
    assert q.loc["Q", "reasons"] == "Active users 30% (−42 pts); Escalations (90 d) 2 (−20 pts)"
    assert q.loc["P", "next_action"] == "find a champion" and q.loc["Q", "next_action"] == "intervene"
    assert q.loc["P", "days_since_touch"] == 3 and np.isnan(q.loc["Q", "days_since_touch"])


def test_queue_order_renewals_first_then_arr_at_stake(queue):
    # P renews within 90 days; then Q (5000 x 0.62 = 3100 at stake) before R (3000 x 0 = 0).
    assert list(queue["account_id"]) == ["P", "Q", "R"]
    assert queue.set_index("account_id").loc["Q", "stake"] == pytest.approx(3100)


def test_queue_filters_and_totals(queue):
    def ids(f: QueueFilter) -> list[str]:
        return list(apply_filter(queue, f)["account_id"])

    assert ids(QueueFilter()) == ["P", "Q"] and totals(apply_filter(queue, QueueFilter())) == (2, 6000.0)
    assert ids(QueueFilter(scope="all")) == ["P", "Q", "R"]
    assert ids(QueueFilter(scope="all", alert=True)) == ["P"]
    assert ids(QueueFilter(new=True)) == ["P"]
    assert ids(QueueFilter(scope="all", tiers=("Thriving",))) == ["R"]
    assert ids(QueueFilter(scope="all", flags=("champion_departure",))) == ["P"]
    assert ids(QueueFilter(scope="all", renewal_days=60)) == ["P"]


def test_reasons_are_joined_per_row_with_their_values_and_points():
    from chs_core.workspace.queue import _joined_reasons

    top = pd.DataFrame({"row": [0, 0, 2, 3, 3], "kind": ["metric", "flag", "flag", "metric", "metric"],
                        "name": ["active_user_ratio", "champion_left", "escalation", "active_user_ratio", "nps"],
                        "label": ["active_user_ratio", "Champion left", "Support escalation", "x", "y"],
                        "lost": [36.4, 24.0, 9.6, 12.5, 3.0]})
    raw = pd.DataFrame({"active_user_ratio": [0.4, 0.9, 0.5, float("nan")], "nps": [10.0, 20.0, 30.0, -12.0]})
    got = _joined_reasons(top, raw, 4)
    assert list(got) == ["Active users 40% (−36 pts); Champion left (−24 pts)", "", "Support escalation (−10 pts)",
                         "Active users no data (−12 pts); NPS -12 (−3 pts)"]
