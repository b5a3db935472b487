"""Figure builders, checked on the data they carry (AppTest cannot see inside a plotly chart)."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from chs_app.charts import executive as charts
from chs_app.download import csv_bytes
from chs_app.format import money, pct, pct_points


def test_bridge_bars_add_up_and_are_labelled_as_money():
    # start 1000 − churn 200 − contraction 50 + expansion 120 + new 80 = 950
    kpis = SimpleNamespace(start_arr=1000.0, churn=200.0, contraction=50.0, expansion=120.0, new=80.0, end_arr=950.0,
                           cohort_accounts=10, churned_accounts=2, contracted_accounts=1, expanded_accounts=3,
                           new_accounts=1)
    fig = charts.bridge_figure(kpis)
    bars = fig.data[0]
    assert list(bars.measure) == ["absolute", "relative", "relative", "relative", "relative", "total"]
    assert list(bars.y) == [1000.0, -200.0, -50.0, 120.0, 80.0, 950.0]
    assert sum(bars.y[:5]) == bars.y[5]
    assert list(bars.text) == ["$1.0k", "−$200", "−$50", "+$120", "+$80", "$950"]  # money(): thousands as k


def test_score_distribution_puts_each_score_in_its_tier_trace():
    scores = pd.Series([10.0, 29.9, 30.0, 49.9, 50.0, 84.9, 85.0, 100.0, float("nan")])
    tiers = [("Thriving", 85, "#0a0"), ("Healthy", 70, "#6c6"), ("Neutral", 50, "#fd6"), ("At risk", 30, "#f96"),
             ("Critical", 0, "#d22")]
    fig = charts.score_distribution_figure(scores, tiers, 50)
    by_tier = {trace.name.split(" (")[0]: sorted(trace.x) for trace in fig.data}
    # Boundaries by hand: 30 and 49.9 are At risk; 50 and 84.9 are Neutral/Healthy; 85 and 100 Thriving; NaN nowhere.
    assert by_tier == {"Critical": [10.0, 29.9], "At risk": [30.0, 49.9], "Neutral": [50.0], "Healthy": [84.9],
                       "Thriving": [85.0, 100.0]}
    assert [t.marker.color for t in fig.data] == ["#d22", "#f96", "#fd6", "#6c6", "#0a0"]
    cut_offs = [s for s in fig.layout.shapes if s.x0 == 50 and s.x1 == 50]
    assert cut_offs, "the at-risk cut-off line is drawn at 50"


def test_tier_outcomes_bars_carry_account_and_arr_shares():
    outcomes = pd.DataFrame({"tier": ["Thriving", "Critical"], "accounts": [100, 20],
                             "account_loss_share": [0.03, 0.35], "arr_loss_share": [0.01, 0.25]})
    fig = charts.tier_outcomes_figure(outcomes, {"Thriving": "#0a0", "Critical": "#d22"})
    accounts, arr = fig.data
    assert list(accounts.y) == [0.03, 0.35] and list(arr.y) == [0.01, 0.25]
    assert list(accounts.text) == ["3.0%", "35.0%"]
    assert list(accounts.marker.color) == ["#0a0", "#d22"]


def test_retention_trend_has_grr_and_nrr_and_benchmark_bands():
    trend = pd.DataFrame({"period_end": pd.to_datetime(["2026-01-01", "2026-02-01"]), "grr": [0.9, 0.91],
                          "nrr": [1.02, 1.05]})
    fig = charts.retention_trend_figure(trend)
    assert [t.name for t in fig.data] == ["GRR", "NRR"]
    assert list(fig.data[1].y) == [1.02, 1.05]
    bands = sorted((s.y0, s.y1) for s in fig.layout.shapes)
    assert bands == [(0.85, 0.95), (1.0, 1.3)]


def test_health_trend_and_breakdown_figures():
    history = pd.DataFrame({"as_of": pd.to_datetime(["2026-01-31", "2026-02-28"]), "avg_health": [60.0, 62.0],
                            "arr_weighted_health": [65.0, 66.0], "at_risk_arr": [1000.0, 500.0],
                            "at_risk_share": [0.1, 0.05]})
    fig = charts.health_trend_figure(history)
    assert list(fig.data[0].y) == [1000.0, 500.0] and fig.data[0].yaxis == "y2"
    assert list(fig.data[1].y) == [60.0, 62.0]
    table = pd.DataFrame({"segment": ["SMB", "Enterprise"], "arr": [100.0, 900.0], "at_risk_arr": [40.0, 90.0],
                          "at_risk_share": [0.4, 0.1], "avg_health": [55.0, 71.0]})
    fig = charts.breakdown_figure(table, "segment")
    safe, risk = fig.data
    # Sorted by ARR ascending so the biggest group is on top; safe = arr − at risk.
    assert list(safe.y) == ["SMB", "Enterprise"] and list(safe.x) == [60.0, 810.0]
    assert list(risk.x) == [40.0, 90.0] and risk.text[0] == "40.0% at risk · avg 55"


@pytest.mark.parametrize("value, expected", [(1_234_567, "$1.23M"), (456_700, "$456.7k"), (950, "$950"),
                                             (-2_500_000, "-$2.50M"), (None, "—")])
def test_money(value, expected):
    assert money(value) == expected


def test_percentages_and_points():
    assert pct(0.9123) == "91.2%" and pct(None) == "—"
    assert pct_points(0.015) == "+1.5 pp" and pct_points(-0.0001) == "+0.0 pp"  # never "-0.0 pp"
    assert pct_points(-0.02) == "-2.0 pp"


def test_csv_download_neutralises_formulas():
    frame = pd.DataFrame({"account_name": ["=HYPERLINK(\"x\")", "+1", "-2", "@a", "Acme"], "arr": [1, 2, 3, 4, 5]})
    text = csv_bytes(frame).decode()
    assert "'=HYPERLINK" in text and "'+1" in text and "'-2" in text and "'@a" in text and "\nAcme," in text
