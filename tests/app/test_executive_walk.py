"""Issue 13 walked as a CS leader would, through AppTest: every heading and chart follows the chosen as-of date,
and the tier-outcome section says what it counts (account-months, base rate, lift, all past as-of dates) and
colours a missed target as missed. Expected dates come from arr_monthly by hand; the targets from domain.md."""
from __future__ import annotations

import base64
import json

import numpy as np
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


def _path_to(node, wanted, path=()):
    """The block types from `node` down to the first element for which `wanted(element)` holds."""
    for child in getattr(node, "children", {}).values():
        if wanted(child):
            return (*path, getattr(node, "type", ""))
        found = _path_to(child, wanted, (*path, getattr(node, "type", "")))
        if found:
            return found
    return None


def test_the_alert_table_has_the_full_width_and_bridge_losses_their_start_score(run_app, demo_db):
    from chs_core.kpis.periods import add_months
    from chs_core.model import load_model
    from chs_core.pipeline import score_dates
    from chs_core.settings import DEFAULT_MODEL
    from chs_core.sources import open_dataset

    at = run_app()
    ok(at)
    at.radio(key=state.PERIOD_KIND).set_value("quarter").run()  # the test demo's history starts after 12 months back
    ok(at)
    path = _path_to(at.main, lambda e: getattr(e, "type", "") == "dataframe"
                    and {"drop", "reason"} <= set(e.value.columns))
    assert path is not None and "column" not in path, path  # not squeezed into a column beside the histogram
    start = add_months(data_months(demo_db)[-1], -3)
    ds = open_dataset(demo_db)
    try:
        scores = score_dates(ds, load_model(DEFAULT_MODEL), [month_end(start)]).frame.set_index("account_id")
    finally:
        ds.close()
    churned = next(d.value for d in at.dataframe if {"start_score", "start_tier", "flagged_before"} <= set(d.value.columns))
    assert len(churned) and churned["start_score"].notna().any()
    for account, shown, tier in zip(churned["account_id"], churned["start_score"], churned["start_tier"]):
        expected = scores["health_score"].get(account)
        if expected is None or pd.isna(expected):
            assert pd.isna(shown) and tier == "No data", account
        else:
            assert abs(shown - expected) < 1e-6 and tier == scores.loc[account, "tier"], account
    assert any(m.value.startswith("**Did we see it coming?**") for m in at.markdown)


def _numbers(values) -> list:
    """A trace's values, also when plotly wrote them as a typed array ({"dtype", "bdata": base64})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_an_earlier_trend_is_the_start_of_the_latest_one(run_app, demo_db):
    """A date's health point depends on that date's scores alone, a period's GRR and NRR on its own two months:
    moving the as-of date back shows the same points up to it, and none after it."""
    def points(at) -> list[tuple]:
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if c.key in ("executive_health_trend", "executive_retention_trend")]
        return [(t.get("name"), x, float(y)) for spec in specs for t in spec["data"]
                for x, y in zip(t["x"], _numbers(t["y"]))]

    at = run_app()
    at.session_state[state.EXEC_SECTION] = "Trends"
    at.run()
    ok(at)
    latest = points(at)
    earlier = data_months(demo_db)[-3]
    at.selectbox(key=state.AS_OF).set_value(earlier).run()
    ok(at)
    shown = points(at)
    cut = pd.Timestamp(month_end(earlier))
    assert shown and shown == [p for p in latest if pd.Timestamp(p[1]) <= cut]
    assert len(shown) < len(latest)
