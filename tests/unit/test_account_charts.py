"""Account-page figure builders on small hand-made data."""
from __future__ import annotations

from datetime import date

import pandas as pd

from chs_app.charts.account import arr_figure, history_figure, usage_figure, waterfall_figure
from chs_app.links import account_url, queue_url, with_account_links

TIERS = [("Healthy", 70, "#91cf60"), ("Neutral", 50, "#fee08b"), ("At risk", 0, "#fc8d59")]


def test_waterfall_ends_on_the_score():
    fig = waterfall_figure(["Active users", "NPS", "Champion left"], [40.0, 20.0, -15.0], 45.0)
    trace = fig.data[0]
    assert list(trace.measure) == ["relative", "relative", "relative", "total"]
    assert sum(trace.x[:-1]) == trace.x[-1] == 45.0
    assert list(trace.y)[-1] == "Score"


def test_history_marks_alerts_and_bands():
    hist = pd.DataFrame({"as_of": [date(2026, 1, d) for d in (1, 8, 15)], "health_score": [72.0, 60.0, 45.0],
                         "alert": [False, False, True], "drop": [None, None, 27.0]})
    fig = history_figure(hist, TIERS, (date(2026, 1, 1), date(2026, 1, 15)), 50)
    markers = [t for t in fig.data if t.name == "Score-drop alert"]
    assert len(markers) == 1 and list(markers[0].y) == [45.0]
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 3


def test_usage_and_arr_figures():
    usage = pd.DataFrame({"week": [date(2026, 1, 5)] * 2, "feature": ["a", "b"], "active_users": [3, 1],
                          "events": [10, 4]})
    assert sorted(t.name for t in usage_figure(usage).data) == ["a", "b"]
    arr = pd.DataFrame({"month": [date(2026, 1, 1)], "arr": [1200.0], "seats": [None]})
    assert [t.name for t in arr_figure(arr).data] == ["ARR"]  # no seats: no seat line


def test_links_are_relative_and_encoded():
    assert account_url("A&B 1", date(2026, 10, 31)) == "account?account=A%26B+1&as_of=2026-10-31"
    assert queue_url(tier=["At risk", "Critical"], alert=1, new=False) == "at_risk?tier=At+risk&tier=Critical&alert=1"
    framed = with_account_links(pd.DataFrame({"account_id": ["X"], "arr": [1.0]}))
    assert list(framed.columns) == ["open", "account_id", "arr"] and framed["open"].iloc[0] == "account?account=X"
