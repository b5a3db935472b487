"""One outcome (churned or contracted) for the tier section, and the health behind the bridge, by hand."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from chs_core.kpis.bridge_health import flagged_share, movement_health
from chs_core.kpis.periods import resolve_period


def _book():
    """Three accounts, Jan-Jun 2026, scored at 31 Jan and 28 Feb; horizon 3 months (judged on the next 3 months).

    A pays 1000 in Jan and Feb, then nothing: lost at both dates (churned). B pays 500, then 300 from May:
    lost only at 28 Feb (its window Mar-May holds the contraction). C pays 800 throughout: never lost.
    Lost account-months: A-Jan, A-Feb, B-Feb = 3 of 6, base rate 0.5.
    Flagged at risk: A-Jan, A-Feb, C-Jan = 3; of them lost: 2. Recall 2/3, false alerts 1/3.
    Lost ARR: A 1000 twice + B 200 = 2200, of which flagged 2000.
    Tiers: At risk = A-Jan, A-Feb, C-Jan (2 of 3 lost); Healthy = B-Jan, B-Feb, C-Feb (1 of 3).
    """
    months = pd.date_range("2026-01-01", "2026-06-01", freq="MS")
    arr = pd.DataFrame([("A", m, 1000.0) for m in months[:2]] + [("B", m, 500.0 if m.month < 5 else 300.0) for m in months]
                       + [("C", m, 800.0) for m in months], columns=["account_id", "month", "arr"])
    history = pd.DataFrame({
        "account_id": ["A", "B", "C", "A", "B", "C"],
        "as_of": [date(2026, 1, 31)] * 3 + [date(2026, 2, 28)] * 3,
        "health_score": [35.0, 75.0, 40.0, 30.0, 72.0, 71.0],
        "tier": ["At risk", "Healthy", "At risk", "At risk", "Healthy", "Healthy"],
        "at_risk": [True, False, True, True, False, False],
    })
    return history, arr


def test_outcome_summary_counts_account_months_on_one_outcome_with_the_backtest_core():
    from chs_core.model import load_model
    from chs_core.outcomes.lift import tier_lift
    from chs_core.settings import DEFAULT_MODEL
    history, arr = _book()
    tiers, s = tier_lift(history, arr, load_model(DEFAULT_MODEL), 3, date(2026, 6, 1))
    assert (s.account_months, s.as_of_dates, s.lost, s.flagged, s.flagged_lost) == (6, 2, 3, 3, 2)
    assert s.base_rate == pytest.approx(0.5)
    assert s.recall == pytest.approx(2 / 3) and s.false_alert_share == pytest.approx(1 / 3)
    assert (s.lost_arr, s.flagged_lost_arr) == (2200.0, 2000.0) and s.flagged_loss_share == pytest.approx(2000 / 2200)
    assert (s.first_as_of, s.last_as_of) == (date(2026, 1, 31), date(2026, 2, 28))
    by_tier = tiers.set_index("tier")
    assert by_tier.loc["At risk", "accounts"] == 3 and by_tier.loc["At risk", "account_loss_share"] == pytest.approx(2 / 3)
    assert by_tier.loc["At risk", "lift"] == pytest.approx((2 / 3) / 0.5)
    assert by_tier.loc["Healthy", "lift"] == pytest.approx((1 / 3) / 0.5)
    assert by_tier.loc["Thriving", "accounts"] == 0  # every model tier is listed, empty ones with zero rows


def test_scores_too_close_to_the_end_are_not_judged():
    from chs_core.model import load_model
    from chs_core.outcomes.lift import tier_lift
    from chs_core.settings import DEFAULT_MODEL
    history, arr = _book()
    # End month Apr 2026: 28 Feb needs Mar-May, so only 31 Jan (Feb-Apr) is judged.
    _, s = tier_lift(history, arr, load_model(DEFAULT_MODEL), 3, date(2026, 4, 1))
    assert (s.account_months, s.as_of_dates, s.lost) == (3, 1, 1)
    _, none = tier_lift(history, arr, load_model(DEFAULT_MODEL), 3, date(2026, 2, 1))
    assert (none.account_months, none.base_rate, none.recall, none.first_as_of) == (0, None, None, None)


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
    # An account with no flags either side (NaN labels) never reads "nan (new flag)".
    nan_flags = drop_reasons(fired.assign(flags=[float("nan")] * 2), before.assign(flags=[None, None]), model)
    assert not any("nan" in r for r in nan_flags) and nan_flags.iloc[0].startswith("Product usage")


def test_last_paid_month_end_is_the_last_snapshot_with_arr_inside_the_period():
    from chs_core.kpis.bridge_health import last_paid_month_end
    period = resolve_period("quarter", date(2026, 3, 1))  # Dec 2025 -> Mar 2026
    arr = pd.DataFrame({"account_id": ["A", "A", "A", "B", "B", "C"],
                        "month": pd.to_datetime(["2025-12-01", "2026-01-01", "2026-04-01", "2025-12-01", "2026-02-01",
                                                 "2025-11-01"]),
                        "arr": [100.0, 50.0, 70.0, 10.0, 0.0, 5.0]})
    # A paid in Jan (Apr is after the period); B's Feb row is zero, so Dec is its last; C paid only before.
    last = last_paid_month_end(arr, ["A", "B", "C"], period)
    assert last == {"A": date(2026, 1, 31), "B": date(2025, 12, 31)}
