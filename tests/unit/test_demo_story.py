"""The seed story (chs_core/demo/stories.py): 72 -> 45 in two weeks, the alert, the training, back at 75.

The expected figures are the story's own specification (domain.md's worked example), not
output copied back: about 72 before, about 45 at the bottom, a score-drop alert (20 points in
14 days) whose first day is at most 48 hours before the training, about 75 two weeks after it.
"""
from datetime import date, timedelta

import pandas as pd
import pytest

from chs_core.demo.build import DEMO_END_MONTH, generate_demo
from chs_core.demo.stories import STORY_ACCOUNT, has_story, story_dates
from chs_core.demo.story_tables import story_frames
from chs_core.model import load_model
from chs_core.outcomes.alerts import score_drops
from chs_core.pipeline import score_dates
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import dataset_from_frames

DATES = story_dates(DEMO_END_MONTH, date(2024, 9, 1))  # the default demo: 26 months ending 2026-10


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return story_frames(STORY_ACCOUNT, DATES)


@pytest.fixture(scope="module")
def daily(frames) -> pd.DataFrame:
    """The story account scored with the default model every day from 2026-09-01 to 2026-10-31."""
    days = [date(2026, 9, 1) + timedelta(days=i) for i in range(61)]
    with dataset_from_frames(frames) as ds:
        scored = score_dates(ds, load_model(DEFAULT_MODEL), days).frame
    scored["day"] = pd.to_datetime(scored["as_of"]).dt.date
    return scored.set_index("day", drop=False)


def test_the_documented_dates_of_the_default_demo():
    assert STORY_ACCOUNT == "ACC-00072"
    assert (DATES.admin_left, DATES.collapse, DATES.expected_alert, DATES.training, DATES.recovered) == (
        date(2026, 9, 16), date(2026, 9, 17), date(2026, 9, 29), date(2026, 10, 1), date(2026, 10, 15))
    assert DATES.renewal == date(2026, 11, 16) and DATES.customer_since == date(2024, 11, 16)
    assert DATES.end == date(2026, 10, 31)  # the default as-of date: the whole arc is before it


def test_the_admin_leaves_and_the_team_stops_using_team_management(frames):
    c = frames["contacts"]
    admins = c[c["role"] == "admin"].set_index("contact_name")
    assert admins.loc["Tobias Berg", "left_date"] == pd.Timestamp(DATES.admin_left)
    assert pd.isna(admins.loc["Sara Ahmed", "left_date"])
    assert not c["is_champion"][c["role"] == "admin"].any()  # see stories.py: a champion flag would cap at 49
    u = frames["usage_events"]
    day = u["event_date"].dt.date
    admin = u["user_id"] == f"{STORY_ACCOUNT}-U0002"
    assert day[admin].max() <= DATES.admin_left and day[u["user_id"].str.endswith("R")].min() >= DATES.collapse
    team = u["feature"] == "team_management"
    down = (day >= DATES.collapse) & (day < DATES.training)
    assert not (team & down).any() and (team & (day >= DATES.training)).any()
    # Events per working day: the four weeks before (20 working days) vs the collapse (Sep 17-30, 10).
    before = u.loc[(day >= DATES.collapse - timedelta(days=28)) & (day < DATES.collapse), "event_count"].sum() / 20
    during = u.loc[down, "event_count"].sum() / 10
    assert during < 0.25 * before  # only the new admin keeps logging in, on the core features


def test_the_csm_trains_the_new_admin_and_the_renewal_is_agreed(frames):
    a = frames["csm_activities"].set_index("activity_type")
    training = a.loc[a["activity_date"].dt.date == DATES.training].loc["training"]
    assert training["outcome"] == "held" and "team management" in training["notes"]
    renewal = a.loc["renewal_meeting"]
    assert renewal["outcome"] == "held" and "24,000" in renewal["notes"]
    acc = frames["accounts"].iloc[0]
    assert acc["segment"] == "Mid-Market" and acc["renewal_date"] == pd.Timestamp(DATES.renewal)
    assert (frames["arr_monthly"]["arr"] == 24_000).all()


def test_the_score_falls_from_72_to_45_the_alert_fires_and_it_recovers_to_75(daily):
    score = daily["health_score"]
    tier = daily["tier"].astype(str)
    start = DATES.admin_left  # the admin's last day, before anything shows: 2026-09-16
    assert 70 <= score[start] <= 75 and tier[start] == "Healthy"
    assert 40 <= score[date(2026, 9, 30)] <= 50 and tier[date(2026, 9, 30)] == "At risk"
    assert 72 <= score[DATES.recovered] <= 78 and tier[DATES.recovered] == "Healthy"
    assert 72 <= score[DATES.end] <= 78
    model = load_model(DEFAULT_MODEL)
    alert_days = [d for d in daily.index.unique() if d - timedelta(days=14) in daily.index
                  and not score_drops(daily, d, model.alert).empty]
    assert alert_days[0] == DATES.expected_alert
    assert timedelta(0) < DATES.training - alert_days[0] <= timedelta(days=2)  # trained within 48 h
    # The executive page at the month end 2026-09-30 shows the alert; at the default as-of date it is over.
    assert STORY_ACCOUNT in set(score_drops(daily, date(2026, 9, 30), model.alert)["account_id"])
    assert score_drops(daily, DATES.end, model.alert).empty


def test_the_drop_is_the_usage_collapse_and_the_support_and_nps_that_followed(daily):
    before, bottom = daily.loc[date(2026, 9, 16)], daily.loc[date(2026, 9, 30)]
    assert "Usage down > 30%" in bottom["flags"] and not before["flags"]
    assert bottom["component_score_growth"] < before["component_score_growth"] - 15  # usage trend collapsed
    assert bottom["component_score_engagement"] < before["component_score_engagement"] - 15  # detractors
    # Two P1 tickets: urgent_tickets_90d 0 -> 2 scores 100 -> 60 (bad 5), weight 1.5 of 7: -8.6 points.
    assert bottom["component_score_support"] < before["component_score_support"] - 8.5
    assert bottom["component_score_usage"] < before["component_score_usage"]  # shallower use (depth)


def test_the_generated_demo_carries_the_story_when_it_is_big_enough():
    small = dict(seed=3, n_accounts=150, end_month=date(2025, 6, 1), n_months=8)
    demo = generate_demo(**small)
    written = story_frames(STORY_ACCOUNT, story_dates(date(2025, 6, 1), date(2024, 11, 1)))
    for name, rows in written.items():
        mine = demo[name][demo[name]["account_id"] == STORY_ACCOUNT].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, rows.reset_index(drop=True).astype(mine.dtypes.to_dict()), check_names=False)
    assert len(demo["accounts"]) == 150
    assert has_story(250, 15) and not has_story(40, 15) and not has_story(250, 4)
