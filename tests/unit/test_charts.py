"""Figure builders, checked on the data they carry (AppTest cannot see inside a plotly chart)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from chs_app.charts import executive as charts
from chs_app.charts import executive_trends as trends
from chs_app.download import csv_bytes
from chs_app.format import count, money, pct, pct_points


def _kpis(**changes):
    # start 1000 − churn 200 − contraction 50 + expansion 120 + new 80 = 950
    values = dict(start_arr=1000.0, churn=200.0, contraction=50.0, expansion=120.0, new=80.0, end_arr=950.0,
                  cohort_accounts=10, churned_accounts=2, contracted_accounts=1, expanded_accounts=3, new_accounts=1)
    return SimpleNamespace(**{**values, **changes})


def test_bridge_bars_float_from_a_zero_axis_and_add_up():
    fig = charts.bridge_figure(_kpis())
    bars = fig.data[0]
    # Running level by hand: 1000 -> 800 (churn bar 800..1000) -> 750 (contraction 750..800) -> 870 (expansion
    # 750..870) -> 950 (new 870..950); end 0..950.
    assert list(bars.base) == [0.0, 800.0, 750.0, 750.0, 870.0, 0.0]
    assert list(bars.y) == [1000.0, 200.0, 50.0, 120.0, 80.0, 950.0]
    assert bars.base[4] + bars.y[4] == bars.y[5]
    assert list(bars.text) == ["$1.00k", "−$200", "−$50", "+$120", "+$80", "$950"]
    assert list(bars.customdata) == ["start_arr", "churn", "contraction", "expansion", "new", "end_arr"]
    assert fig.layout.yaxis.range[0] == 0  # never a truncated axis that exaggerates the bars
    # Start and end inside their bars, the movements above theirs: no two labels at one height side by side.
    assert list(bars.textposition) == ["inside", "outside", "outside", "outside", "outside", "inside"]


def test_an_empty_bridge_bar_reads_none_not_minus_zero():
    fig = charts.bridge_figure(_kpis(contraction=0.0, start_arr=1000.0, end_arr=1000.0, churn=200.0, expansion=120.0,
                                     new=80.0))
    assert fig.data[0].text[2] == "none"


def test_score_distribution_puts_each_score_in_its_tier_trace():
    scores = pd.Series([10.0, 29.9, 30.0, 49.9, 50.0, 84.9, 85.0, 100.0, float("nan")])
    tiers = [("Thriving", 85, "#0a0"), ("Healthy", 70, "#6c6"), ("Neutral", 50, "#fd6"), ("At risk", 30, "#f96"),
             ("Critical", 0, "#d22")]
    fig = charts.score_distribution_figure(scores, tiers, 50)
    by_tier = {trace.name.split(" (")[0]: list(zip(trace.text, trace.y)) for trace in fig.data}
    # Boundaries by hand: 30 and 49.9 are At risk; 50 and 84.9 are Neutral/Healthy; 85 and 100 Thriving; NaN nowhere.
    # Bins of 5 from 0: 29.9 is in 25–30, 49.9 in 45–50, 84.9 in 80–85, 100 in the last bin 100–105.
    assert by_tier == {"Critical": [("10–15", 1), ("25–30", 1)], "At risk": [("30–35", 1), ("45–50", 1)],
                       "Neutral": [("50–55", 1)], "Healthy": [("80–85", 1)], "Thriving": [("85–90", 1), ("100–105", 1)]}
    assert [list(t.x) for t in fig.data][0] == [12.5, 27.5]  # bars at the bin centres
    assert [t.name for t in fig.data][0] == "Critical (2)" and list(fig.data[0].customdata) == ["Critical", "Critical"]
    many = charts.score_distribution_figure(pd.Series([42.0] * 100_000), tiers, 50)
    assert [list(t.y) for t in many.data if len(t.y)] == [[100_000]]  # counts, not one value per account
    assert [t.marker.color for t in fig.data] == ["#d22", "#f96", "#fd6", "#6c6", "#0a0"]
    cut_offs = [s for s in fig.layout.shapes if s.x0 == 50 and s.x1 == 50]
    assert cut_offs, "the at-risk cut-off line is drawn at 50"


def test_tier_outcomes_bars_show_the_share_the_lift_and_the_base_rate():
    outcomes = pd.DataFrame({"tier": ["Thriving", "Critical"], "accounts": [100, 20],
                             "account_loss_share": [0.03, 0.35], "arr_loss_share": [0.01, 0.25], "lift": [0.3, 3.5]})
    fig = charts.tier_outcomes_figure(outcomes, {"Thriving": "#0a0", "Critical": "#d22"}, 0.1)
    (bars,) = fig.data
    assert list(bars.y) == [0.03, 0.35]
    assert fig.layout.xaxis.ticktext == ("Thriving<br><b>3.0%</b><br>0.3×", "Critical<br><b>35.0%</b><br>3.5×")
    assert list(bars.marker.color) == ["#0a0", "#d22"]
    assert [s.y0 for s in fig.layout.shapes] == [0.1]  # the base-rate line


def test_retention_trend_bands_only_when_asked_and_small_cohorts_apart():
    trend = pd.DataFrame({"period_end": pd.to_datetime(["2026-01-31", "2026-02-28", "2026-03-31"]),
                          "grr": [0.0, 0.9, 0.91], "nrr": [0.0, 1.02, 1.05], "cohort_accounts": [1, 40, 41],
                          "small_cohort": [True, False, False]})
    fig = trends.retention_trend_figure(trend)
    lines = {t.name: t for t in fig.data}
    # The one-account cohort's 0% is not on the line; it is a separate hollow point with n in the hover.
    assert list(lines["GRR"].y) == [0.9, 0.91] and list(lines["NRR"].y) == [1.02, 1.05]
    assert list(lines["GRR, small cohort"].y) == [0.0] and list(lines["GRR, small cohort"].customdata) == [1]
    assert sorted((s.y0, s.y1) for s in fig.layout.shapes) == [(0.85, 0.95), (1.0, 1.3)]
    assert not trends.retention_trend_figure(trend, show_bands=False).layout.shapes
    assert fig.layout.yaxis.range[0] == 0.8  # the 0% of one account does not squash the real lines


def test_a_trend_of_only_small_cohorts_fits_its_axis_to_them():
    trend = pd.DataFrame({"period_end": pd.to_datetime(["2019-09-30", "2019-10-31", "2019-11-30"]),
                          "grr": [None, 0.58, 0.95], "nrr": [None, 0.70, 1.10], "cohort_accounts": [0, 12, 13],
                          "small_cohort": [False, True, True]})  # no cohort at all: no value, not "small"
    low, high = trends.retention_trend_figure(trend).layout.yaxis.range
    assert low == 0.58 - 0.02 and high == 1.15  # 58% is on the chart, not clipped at the 80% edge


def test_health_and_at_risk_trends_are_separate_charts_on_one_time_axis():
    history = pd.DataFrame({"as_of": pd.to_datetime(["2026-01-31", "2026-02-28"]), "avg_health": [60.0, 62.0],
                            "arr_weighted_health": [65.0, 66.0], "at_risk_arr": [1000.0, 500.0],
                            "at_risk_share": [0.1, 0.05], "accounts": [30, 31]})
    x_range = (date(2025, 10, 31), date(2026, 2, 28))
    health = trends.health_trend_figure(history, x_range)
    risk = trends.at_risk_trend_figure(history, x_range)
    assert [list(t.y) for t in health.data] == [[60.0, 62.0], [65.0, 66.0]]
    assert list(risk.data[0].y) == [1000.0, 500.0]
    assert health.layout.xaxis.range == risk.layout.xaxis.range
    assert risk.layout.yaxis.range[0] == 0


def test_breakdown_labels_carry_share_average_and_count():
    table = pd.DataFrame({"segment": ["SMB", "Enterprise"], "arr": [100.0, 900.0], "at_risk_arr": [40.0, 90.0],
                          "at_risk_share": [0.4, 0.1], "avg_health": [55.0, 71.0], "accounts": [1200, 3]})
    fig = trends.breakdown_figure(table, "segment")
    safe, risk = fig.data
    # Sorted by ARR ascending so the biggest group is on top; safe = arr − at risk.
    assert list(safe.x) == [60.0, 810.0] and list(risk.x) == [40.0, 90.0]
    assert safe.y[0].startswith("SMB<br>") and "40.0% at risk · avg 55 · 1,200" in safe.y[0]


@pytest.mark.parametrize("value, expected", [(1_234_567, "$1.23M"), (456_700, "$457k"), (950, "$950"),
                                             (-2_500_000, "-$2.50M"), (None, "—"), (806_600, "$807k"),
                                             (22_180_000, "$22.2M"), (999_950, "$1.00M"), (15_000, "$15.0k")])
def test_money(value, expected):
    assert money(value) == expected


def test_counts_have_thousands_separators_and_a_noun():
    assert count(1712) == "1,712" and count(1712, "account") == "1,712 accounts" and count(1, "account") == "1 account"


def test_percentages_and_points():
    assert pct(0.9123) == "91.2%" and pct(None) == "—"
    assert pct_points(0.015) == "+1.5 pp" and pct_points(-0.0001) == "+0.0 pp"  # never "-0.0 pp"
    assert pct_points(-0.02) == "-2.0 pp"


def test_csv_download_neutralises_formulas():
    frame = pd.DataFrame({"account_name": ["=HYPERLINK(\"x\")", "+1", "-2", "@a", "Acme"], "arr": [1, 2, 3, 4, 5]})
    text = csv_bytes(frame).decode()
    assert "'=HYPERLINK" in text and "'+1" in text and "'-2" in text and "'@a" in text and "\nAcme," in text
