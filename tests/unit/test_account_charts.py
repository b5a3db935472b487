"""Account-page chart options (ECharts) on small hand-made data: what a reader sees, worked out by hand."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from chs_app.charts.account import arr_option, history_option, usage_option, waterfall_labels, waterfall_option
from chs_app.links import account_url, queue_url, with_account_links

TIERS = [("Healthy", 70, "#91cf60"), ("Neutral", 50, "#fee08b"), ("At risk", 0, "#fc8d59")]


def test_waterfall_ends_on_the_score():
    option = waterfall_option(["Active users", "NPS", "Champion left"], [40.0, 20.0, -15.0], 45.0)
    json.dumps(option, allow_nan=False)  # what st.echarts_chart sends must be plain JSON
    assert waterfall_labels(option) == [("Active users", "+40.0"), ("NPS", "+20.0"), ("Champion left", "−15.0"),
                                        ("Score", "45.0")]
    offset, bars = option["series"]
    # Each bar starts where the running total stands: 0, 40, then the penalty spans 45..60.
    assert offset["data"] == [0.0, 40.0, 45.0, 0.0] and [b["value"] for b in bars["data"]] == [40.0, 20.0, 15.0, 45.0]
    assert offset["itemStyle"]["color"] == "transparent" and offset["stack"] == bars["stack"]


def test_waterfall_bar_below_zero_stays_in_place():
    option = waterfall_option(["Champion left", "Active users"], [-10.0, 30.0], 20.0)
    offset, bars = option["series"]
    assert offset["data"][:2] == [-10.0, -10.0] and bars["data"][1]["value"] == 30.0  # -10..20
    assert offset["stackStrategy"] == "all" and option["xAxis"]["min"] == -15


def test_history_marks_alerts_bands_and_the_compared_dates():
    hist = pd.DataFrame({"as_of": [date(2026, 1, d) for d in (1, 8, 15)], "health_score": [72.0, 60.0, 45.0],
                         "alert": [False, False, True], "drop": [None, None, 27.0]})
    option = history_option(hist, TIERS, (date(2026, 1, 1), date(2026, 1, 15)), 50)
    json.dumps(option, allow_nan=False)
    series = {s["name"]: s for s in option["series"]}
    assert series["Score-drop alert"]["data"] == [["2026-01-15", 45.0, 27.0]]
    assert series["Score"]["data"][1] == ["2026-01-08", 60.0]
    bands = series["Score"]["markArea"]["data"]
    assert [(b[0]["name"], b[0]["yAxis"], b[1]["yAxis"]) for b in bands] == [
        ("At risk", 0.0, 50.0), ("Neutral", 50.0, 70.0), ("Healthy", 70.0, 100.0)]
    lines = series["Score"]["markLine"]["data"]
    assert [m.get("xAxis") for m in lines[:2]] == ["2026-01-01", "2026-01-15"] and lines[2]["yAxis"] == 50.0
    assert "startValue" not in option["dataZoom"][0]  # three weeks: the whole history is shown


def test_long_history_opens_on_its_last_26_weeks():
    days = pd.date_range("2025-01-05", "2026-01-04", freq="7D")
    hist = pd.DataFrame({"as_of": days.date, "health_score": 60.0, "alert": False, "drop": None})
    zoom = history_option(hist, TIERS, (date(2025, 12, 5), date(2026, 1, 4)))["dataZoom"][0]
    assert (zoom["startValue"], zoom["endValue"]) == ("2025-07-06", "2026-01-04")  # 182 days before the last date


def test_usage_and_arr_options():
    usage = pd.DataFrame({"week": [date(2026, 1, 5)] * 2, "feature": ["b", "a"], "active_users": [1, 3],
                          "events": [4, 10]})
    series = usage_option(usage)["series"]
    assert [(s["name"], s["data"]) for s in series] == [("a", [["2026-01-05", 10, 3]]), ("b", [["2026-01-05", 4, 1]])]
    assert series[0]["itemStyle"]["color"] != series[1]["itemStyle"]["color"]


def test_usage_stacks_line_up_by_week_when_a_feature_misses_weeks():
    # ECharts stacks by position in each series: "b" has no events in the first week, so without a 0 there its
    # second-week bar would be stacked onto "a"'s first-week bar.
    usage = pd.DataFrame({"week": [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 12)], "feature": ["a", "a", "b"],
                          "active_users": [2, 3, 1], "events": [5, 6, 7]})
    a, b = usage_option(usage)["series"]
    assert a["data"] == [["2026-01-05", 5, 2], ["2026-01-12", 6, 3]]
    assert b["data"] == [["2026-01-05", 0, 0], ["2026-01-12", 7, 1]]
    arr = pd.DataFrame({"month": [date(2026, 1, 1)], "arr": [1200.0], "seats": [None]})
    assert [s["name"] for s in arr_option(arr)["series"]] == ["ARR"]  # no seats: no seat line
    arr["seats"] = [10.0]
    assert [s["name"] for s in arr_option(arr)["series"]] == ["ARR", "Seats"]


def test_links_are_relative_and_encoded():
    assert account_url("A&B 1", date(2026, 10, 31)) == "account?account=A%26B+1&as_of=2026-10-31"
    assert queue_url(tier=["At risk", "Critical"], alert=1, new=False) == "at_risk?tier=At+risk&tier=Critical&alert=1"
    framed = with_account_links(pd.DataFrame({"account_id": ["X"], "arr": [1.0]}))
    assert list(framed.columns) == ["open", "account_id", "arr"] and framed["open"].iloc[0] == "account?account=X"
