"""The seed story end to end (chs_core/demo/stories.py, ACC-00072 in the test demo): 72 -> 45 in two weeks after
the admin leaves, the score-drop alert on its day in the queue and on the executive page, the account page
putting the drop on the departure and the usage collapse, and the recovery to 75.

The dates are the story's own (story_dates); the expectations are the story's specification (domain.md), not
numbers read back from the pages.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chs_app import state
from chs_core.demo.build import DEMO_END_MONTH
from chs_core.demo.stories import STORY_ACCOUNT, story_dates
from chs_core.model import load_model
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import open_dataset
from chs_core.workspace import queue_for
from tests.app.test_workspace_pages import _metric, _table

DATES = story_dates(DEMO_END_MONTH, date(2025, 8, 1))
ALERT = DATES.expected_alert  # 2026-09-29 for the demo ending October 2026


def _ids(table) -> list[str]:
    return list(table["open"].str.extract(r"account=([^&]+)")[0])


def test_the_queue_raises_the_alert_on_its_day_not_the_day_before(demo_db):
    model = load_model(DEFAULT_MODEL)
    with open_dataset(demo_db) as ds:
        before = queue_for(ds, model, ALERT - timedelta(days=1)).set_index("account_id").loc[STORY_ACCOUNT]
        on = queue_for(ds, model, ALERT).set_index("account_id").loc[STORY_ACCOUNT]
    assert not before["alert"]
    assert on["alert"] and on["drop_14d"] >= model.alert.drop_points and on["at_risk"]
    assert "Usage down > 30%" in on["reasons"]


def test_queue_page_on_the_alert_day(open_page):
    at = open_page("at_risk", alert="1", as_of=ALERT.isoformat())
    assert not at.exception
    assert STORY_ACCOUNT in _ids(_table(at))
    at = open_page("at_risk", alert="1", as_of=(ALERT - timedelta(days=1)).isoformat())
    assert STORY_ACCOUNT not in (_ids(_table(at)) if any("reasons" in d.value.columns for d in at.dataframe) else [])


def test_executive_page_shows_the_alert_at_the_month_end(open_page):
    month_end = date(ALERT.year, ALERT.month + 1, 1) - timedelta(days=1)  # 2026-09-30
    at = open_page("executive", **{state.AS_OF: month_end.isoformat()})
    assert not at.exception
    alerts = next(d.value for d in at.dataframe if "drop" in d.value.columns and "score_before" in d.value.columns)
    assert STORY_ACCOUNT in set(alerts["account_id"])


def test_account_page_puts_the_drop_on_the_departure_and_the_usage_collapse(open_page):
    at = open_page("account", account=STORY_ACCOUNT, as_of="2026-09-30",
                   since=(DATES.admin_left - timedelta(days=1)).isoformat())
    assert not at.exception
    terms = next(t.value for t in at.table if "What" in t.value.columns).rename(
        columns={"What": "label", "Points": "change"})
    events = next(t.value for t in at.table if list(t.value.columns) == ["Date", "Event"])
    assert any("(admin) left" in w for w in events["Event"])  # the departure, on its day
    assert date.fromisoformat(str(events.loc[events["Event"].str.contains("left"), "Date"].iloc[0])[:10]) == \
        DATES.admin_left
    drop = terms["change"].sum()
    assert drop <= -20  # about 72 -> 46
    usage = terms[terms["label"].isin(["Usage down > 30%", "Usage trend (28 d)", "Events per active user",
                                       "Active users", "Key-feature adoption", "Feature breadth"])]
    # The usage collapse (its flag and the usage metrics) is the largest part of the drop.
    assert usage["change"].sum() < 0 and usage["change"].sum() <= min(terms["change"].sum() - usage["change"].sum(), 0)
    assert terms.iloc[0]["label"] in ("Usage down > 30%", "Usage trend (28 d)", "NPS")
    # The explanation in words names both: the departure (which the metrics cannot see) and the usage collapse.
    why = next(m.value for m in at.markdown if m.value.startswith("**Why it moved:**"))
    assert f"after Tobias Berg (admin) left on {DATES.admin_left:%d %b}" in why
    assert "Usage down > 30% fired" in why and "Usage trend (28 d)" in why
    assert "not marked as champion" in why  # and why no champion-departure flag fired (stories.py)


def test_cli_explain_on_the_alert_day_names_the_departure_and_the_usage_collapse(demo_db, capsys):
    from chs_core.cli import main

    assert main(["explain", STORY_ACCOUNT, "--data", str(demo_db), "--as-of", ALERT.isoformat(),
                 "--since", (DATES.admin_left - timedelta(days=1)).isoformat()]) == 0
    why = capsys.readouterr().out.strip().splitlines()[-1]
    assert why.startswith("The score fell ") and f"Tobias Berg (admin) left on {DATES.admin_left:%d %b}" in why
    assert "Usage down > 30% fired" in why


def test_account_page_shows_the_recovery(open_page):
    at = open_page("account", account=STORY_ACCOUNT)
    assert not at.exception
    assert float(_metric(at, "Health score")) >= 74  # back at about 75
    history = next(c for c in at.get("echarts_chart") if "Score-drop alert" in c.proto.spec)
    series = {s["name"]: s["data"] for s in json.loads(history.proto.spec)["series"]}
    alert_days = {point[0] for point in series["Score-drop alert"]}
    assert ALERT.isoformat() in alert_days
    scores = dict(series["Score"])
    assert scores[DATES.admin_left.isoformat()] == pytest.approx(72.7, abs=1.0)
    assert min(v for d, v in scores.items() if d >= DATES.admin_left.isoformat()) < 50
    assert scores[DATES.recovered.isoformat()] >= 70
