"""One outcome (churned or contracted) for the tier section, and the health behind the bridge, by hand."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from chs_core.kpis.bridge_health import flagged_share, movement_health
from chs_core.kpis.periods import resolve_period
from chs_core.outcomes.lift import outcome_summary, with_lift


def _judged() -> pd.DataFrame:
    # Six account-months over two as-of dates. Lost (churned or contracted): rows 0, 1, 3.
    # Flagged at risk: rows 0, 2, 4. So: base rate 3/6 = 0.5; recall = flagged & lost / lost = 1/3;
    # false alerts = flagged & not lost / flagged = 2/3. Lost ARR 100 + 40 + 60 = 200, flagged of it 100.
    return pd.DataFrame({
        "account_id": ["A", "B", "C", "A", "B", "C"],
        "as_of": [date(2026, 1, 31)] * 3 + [date(2026, 2, 28)] * 3,
        "tier": ["At risk", "Healthy", "At risk", "Neutral", "At risk", "Healthy"],
        "at_risk": [True, False, True, False, True, False],
        "churned": [True, False, False, False, False, False],
        "contracted": [False, True, False, True, False, False],
        "lost_arr": [100.0, 40.0, 0.0, 60.0, 0.0, 0.0],
    })


def test_outcome_summary_counts_account_months_on_one_outcome():
    s = outcome_summary(_judged())
    assert (s.account_months, s.as_of_dates, s.lost, s.flagged, s.flagged_lost) == (6, 2, 3, 3, 1)
    assert s.base_rate == pytest.approx(0.5)
    assert s.recall == pytest.approx(1 / 3) and s.false_alert_share == pytest.approx(2 / 3)
    assert (s.lost_arr, s.flagged_lost_arr, s.flagged_loss_share) == (200.0, 100.0, 0.5)
    assert (s.first_as_of, s.last_as_of) == (date(2026, 1, 31), date(2026, 2, 28))


def test_lift_is_the_tier_share_over_the_base_rate():
    tiers = pd.DataFrame({"tier": ["Healthy", "At risk"], "account_loss_share": [0.1, 0.4]})
    out = with_lift(tiers, 0.2)
    assert out["lift"].tolist() == pytest.approx([0.5, 2.0])


def test_empty_judged_rows_give_no_rates():
    s = outcome_summary(_judged().iloc[0:0])
    assert (s.account_months, s.base_rate, s.recall, s.false_alert_share, s.first_as_of) == (0, None, None, None, None)


def test_movement_health_takes_the_start_score_and_any_flag_before_the_end():
    period = resolve_period("quarter", date(2026, 3, 1))  # Dec 2025 -> Mar 2026
    movements = pd.DataFrame({"account_id": ["A", "B", "C"], "movement": ["churn", "contraction", "churn"],
                              "start_arr": [1000.0, 500.0, 300.0], "end_arr": [0.0, 200.0, 0.0]})
    history = pd.DataFrame({
        "account_id": ["A", "A", "B", "B", "B"],
        "as_of": [date(2025, 12, 31), date(2026, 1, 31), date(2025, 12, 31), date(2026, 2, 28), date(2026, 3, 31)],
        "health_score": [62.0, 41.0, 55.0, 58.0, 20.0],
        "tier": ["Neutral", "At risk", "Neutral", "Neutral", "Critical"],
        "at_risk": [False, True, False, False, True],
    })
    out = movement_health(movements, history, period).set_index("account_id")
    # A: 62 / Neutral at 31 Dec, at risk on 31 Jan (before Mar): flagged. B: at risk only on 31 Mar, the
    # end itself, which is not "beforehand". C: never scored: no start score, "No data", not flagged.
    assert out.loc["A", ["start_score", "start_tier", "flagged_before"]].tolist() == [62.0, "Neutral", True]
    assert out.loc["B", ["start_tier", "flagged_before"]].tolist() == ["Neutral", False]
    assert pd.isna(out.loc["C", "start_score"]) and out.loc["C", "start_tier"] == "No data"
    # Churned ARR: A 1000 (flagged) + C 300 (not): 1000 of 1300 seen coming.
    assert flagged_share(out.reset_index(), "churn") == (1000.0, 1300.0)
    assert flagged_share(out.reset_index(), "contraction") == (0.0, 300.0)


def test_drop_reason_names_a_new_flag_first_else_the_component_that_cost_most():
    from chs_core.model import load_model
    from chs_core.outcomes.drop_reasons import drop_reasons
    from chs_core.settings import DEFAULT_MODEL
    model = load_model(DEFAULT_MODEL)
    weights = {c.name: c.weight for c in model.components}
    total = sum(weights.values())
    fired = pd.DataFrame({"account_id": ["A", "B"], "flags": ["Champion left", ""],
                          "component_score_usage": [40.0, 20.0], "component_score_engagement": [60.0, 55.0]})
    before = pd.DataFrame({"account_id": ["A", "B"], "flags": ["", ""],
                           "component_score_usage": [80.0, 80.0], "component_score_engagement": [60.0, 60.0]})
    reasons = drop_reasons(fired, before, model)
    assert reasons.iloc[0] == "Champion left (new flag)"
    # B: usage fell 60 points x its weight share; engagement fell 5 x its share: usage cost most.
    assert reasons.iloc[1] == f"Product usage 80 → 20 (−{60 * weights['usage'] / total:.0f} pts)"
