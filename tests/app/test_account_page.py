"""AppTest: the account page section by section, as a CSM reads it, checked against the core and the model.

Waterfall: its bars add up to the score shown. Component tables: each metric's rule in words from model.yaml,
a metric with no data says "no data, re-weighted", the coverage badge. Evidence tabs (drawn one at a time): the
seed story's contacts (champion, sponsor, the departure), activities with mentions, NPS with roles, invoices.
"""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from chs_app import state
from chs_app.charts.account import waterfall_labels
from chs_core.demo.build import DEMO_END_MONTH
from chs_core.demo.stories import STORY_ACCOUNT, story_dates
from chs_core.model import load_model
from chs_core.pipeline import check_source, score_dates
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import open_dataset

DATES = story_dates(DEMO_END_MONTH, date(2025, 8, 1))


@pytest.fixture(scope="module")
def now(demo_db) -> pd.DataFrame:
    checked = check_source(demo_db)
    with open_dataset(demo_db) as ds:
        return score_dates(ds, load_model(DEFAULT_MODEL), [checked.default_as_of]).frame


def _share(at, component: str) -> float:
    """The component's weight share after re-weighting, from the page's component table."""
    table = _frame(at, "Re-weighted").set_index("Component")
    return float(table.loc[component.capitalize(), "Re-weighted"]) / 100


def _chart(at, key: str) -> dict:
    """The ECharts option the page sent for the chart with this key (its element id ends with the key)."""
    return json.loads(next(c.proto.spec for c in at.get("echarts_chart") if c.proto.id.endswith(key)))


def _frame(at, column: str) -> pd.DataFrame:
    """The first table (static st.table or st.dataframe grid) with this column."""
    return next(d.value for d in [*at.table, *at.dataframe] if column in d.value.columns)


def test_waterfall_adds_up_to_the_score_and_missing_metrics_are_reweighted(open_page, now):
    # No ticket resolved in 90 days: resolution time has no data (support component).
    row = now[now["metric_score_resolution_hours_90d"].isna() & now["health_score"].notna()].iloc[0]
    at = open_page("account", account=str(row["account_id"]))
    assert not at.exception
    waterfall = _chart(at, "account_waterfall")
    shown = waterfall_labels(waterfall)  # (term, the signed points written on its bar)
    x = [float(text.replace("−", "-")) for _, text in shown]
    assert shown[-1][0] == "Score" and sum(x[:-1]) == pytest.approx(x[-1], abs=1e-9)
    assert x[-1] == pytest.approx(round(row["health_score"], 1), abs=1e-9)
    assert any(f"coverage {row['coverage']:.0%}" in m.value.replace(" %", "%") for m in at.markdown)

    at.session_state[state.ACCOUNT_COMPONENT_TAB] = "Support"
    at.run()
    table = _frame(at, "Rule").set_index("Metric")
    missing = table.loc["Resolution time"]
    assert missing["Note"] == "no data, re-weighted" and missing["Value"] == "no data"
    assert missing["Rule"] == "120 h -> 0 pts, 8 h -> 100 pts, lower is better"  # model.yaml: bad 120, good 8
    assert np.isnan(missing["Points"]) or missing["Points"] == 0
    # The support metrics with data share the component's weight; the coverage says how much had data.
    assert table.loc[table["Note"] == "", "Points"].sum() == pytest.approx(
        row["component_score_support"] * _share(at, "support"), abs=1e-6)


def test_usage_rules_in_words(open_page, now):
    at = open_page("account", account=str(now["account_id"].iloc[0]))
    table = _frame(at, "Rule").set_index("Metric")  # the first tab: usage
    assert table.loc["Active users", "Rule"] == "10% -> 0 pts, 70% -> 100 pts, higher is better"  # model.yaml


def test_seed_story_evidence_on_the_alert_month_end(open_page):
    at = open_page("account", account=STORY_ACCOUNT, as_of="2026-09-30")
    assert not at.exception
    usage = _chart(at, "account_usage_chart")
    assert "team_management" in {s["name"] for s in usage["series"]}  # the open tab: usage
    assert not any('"Seats"' in c.proto.spec for c in at.get("echarts_chart"))  # other tabs are not drawn yet
    at.session_state[state.ACCOUNT_EVIDENCE_TAB] = "Contacts"
    at.run()
    contacts = _frame(at, "sponsor").set_index("contact_name")
    assert pd.Timestamp(contacts.loc["Tobias Berg", "left_date"]).date() == DATES.admin_left
    assert contacts.loc["Lena Fischer", "champion"] and contacts.loc["Katrin Novak", "sponsor"]
    assert pd.isna(contacts.loc["Sara Ahmed", "left_date"])
    at.session_state[state.ACCOUNT_EVIDENCE_TAB] = "NPS"
    at.run()
    nps = _frame(at, "respondent_role")
    assert set(nps.loc[nps["score"] <= 4, "kind"]) == {"detractor"} and nps["respondent_role"].notna().all()
    at.session_state[state.ACCOUNT_EVIDENCE_TAB] = "Support"
    at.run()
    tickets = _frame(at, "priority")
    assert (tickets["priority"] == "P1").sum() == 2  # the new admin's two P1 tickets (stories.py)
    at.session_state[state.ACCOUNT_EVIDENCE_TAB] = "ARR and seats"
    at.run()
    arr = _chart(at, "account_arr_chart")
    series = {s["name"]: s["data"] for s in arr["series"]}
    assert {v for _, v in series["ARR"]} == {24_000.0} and {v for _, v in series["Seats"]} == {20.0}  # 20 seats, 24k


def test_activities_with_competitor_or_budget_mentions_are_marked(open_page, demo_db):
    model = load_model(DEFAULT_MODEL)
    as_of = check_source(demo_db).default_as_of
    with open_dataset(demo_db) as ds:
        acts = ds.df("SELECT account_id, activity_date, notes FROM csm_activities WHERE activity_date <= $d "
                     "AND activity_date > $d - 365 AND notes IS NOT NULL", {"d": as_of})
    words = [w.lower() for w in model.signals.competitor_keywords]
    hit = acts[acts["notes"].str.lower().map(lambda n: any(w in n for w in words))]
    assert len(hit), "the demo has competitor mentions in CSM notes"
    account = str(hit["account_id"].iloc[0])
    at = open_page("account", account=account)
    at.session_state[state.ACCOUNT_EVIDENCE_TAB] = "CSM activities"
    at.run()
    assert not at.exception
    table = _frame(at, "mention")
    mine = hit[hit["account_id"] == account]
    marked = table[table["mention"].str.contains("competitor")]
    assert len(marked) == len(mine)  # every note with a competitor keyword, and no other
    assert any("highlighted" in c.value for c in at.caption)
