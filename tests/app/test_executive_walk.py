"""Issue 13 walked as a CS leader would, through AppTest: every heading and chart follows the chosen as-of date,
and the tier-outcome section says what it counts (account-months, base rate, lift, all past as-of dates) and
colours a missed target as missed. Expected dates come from arr_monthly by hand; the targets from domain.md."""
from __future__ import annotations

import json

import pandas as pd

from chs_app import state
from chs_core.kpis.periods import month_end
from tests.app.test_executive_page import data_months, ok


def _x_values(spec: dict) -> list[pd.Timestamp]:
    return [pd.Timestamp(x) for trace in spec["data"] for x in (trace.get("x") or []) if isinstance(x, str)]


def test_every_heading_and_trend_follows_an_earlier_as_of_date(run_app, demo_db):
    months = data_months(demo_db)
    earlier = months[-3]  # two months before the last one (the 15-month demo has one 12-month period to it)
    as_of = month_end(earlier)
    at = run_app()
    at.selectbox(key=state.AS_OF).set_value(earlier).run()
    ok(at)
    headings = [h.value for h in at.subheader]
    assert f"Health as of {as_of:%d %b %Y}" in headings
    assert any(h.startswith("ARR bridge") and f"to {earlier:%b %Y}" in h for h in headings)
    at.session_state[state.EXEC_SECTION] = "Trends"
    at.run()
    ok(at)
    assert f"Trends to {as_of:%d %b %Y}" in [h.value for h in at.subheader]
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    for key in ("executive_retention_trend", "executive_health_trend", "executive_at_risk_trend"):
        xs = _x_values(charts[key])
        assert xs and max(xs) <= pd.Timestamp(as_of), key  # no point after the as-of date
        end = pd.Timestamp(charts[key]["layout"]["xaxis"]["range"][1])
        assert end <= pd.Timestamp(as_of) + pd.Timedelta(days=12), key  # the axis ends there too
    starts = {pd.Timestamp(charts[k]["layout"]["xaxis"]["range"][0]) for k in charts if k != "executive_bridge_chart"}
    assert len(starts) == 1  # one time axis for the three trend charts


def test_tier_outcomes_say_what_they_count_and_colour_a_missed_target(run_app):
    at = run_app()
    at.session_state[state.EXEC_SECTION] = "Tier outcomes"
    at.run()
    ok(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "every past as-of date" in text and "account-months" in text and "Base rate" in text
    assert "× the base rate" in text  # the lift of the worst and the best tier
    labels = {m.label for m in at.metric}
    assert {"Losses flagged beforehand (recall)", "At-risk flags with no loss"} <= labels
    targets = [c.value for c in at.caption if "target" in c.value]
    # Each target caption is coloured by its verdict: green when met, red when missed, never neutral black.
    assert targets and all(c.startswith(":green[target") or c.startswith(":red[target") for c in targets)
    for c in targets:
        assert (":red[" in c) == ("missed" in c)
