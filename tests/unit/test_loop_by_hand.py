"""The loop's vectorised flags (integer keys, one merge per alert window) equal a walk through each account's score
history, month end by month end, on the 2,000-account demo."""
from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from chs_core.contract import ACTIVITY_TYPES
from chs_core.model import load_model
from chs_core.outcomes.loop import flag_events, held_activities, touch_activities, turned_on
from chs_core.outcomes.loop_report import alert_window_dates
from chs_core.outcomes.plays import PLAY_ACTIVITIES, plays_followed
from chs_core.pipeline import check_source, history_dates, scored_frame
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import source_for


@pytest.fixture(scope="module")
def scored(demo_db):
    checked = check_source(demo_db)
    model = load_model(DEFAULT_MODEL)
    dates = history_dates(checked.arr, checked.default_as_of)
    flags = [f"flag_{f.name}" for f in model.flags]
    with source_for(demo_db).open() as ds:
        history = scored_frame(ds, model, dates, columns=["account_id", "as_of", "health_score", "at_risk", *flags])
        alerts = scored_frame(ds, model, alert_window_dates(dates, model.alert.within_days),
                              columns=["account_id", "as_of", "health_score"])
        activities = held_activities(touch_activities(ds), ACTIVITY_TYPES)
    return model, dates, history, alerts, activities


def _walk(history: pd.DataFrame, column: str, dates) -> set[tuple[str, object]]:
    """(account, month end) where `column` is on and was not on (or not scored) at the month end before."""
    on = {(str(r.account_id), pd.Timestamp(r.as_of).date()): bool(getattr(r, column) is True)
          for r in history.itertuples()}
    return {(a, d) for (a, d), v in on.items() if v and d != dates[0]
            and not on.get((a, dates[dates.index(d) - 1]), False)}


def test_turned_on_is_each_accounts_off_to_on_step(scored):
    model, dates, history, *_ = scored
    for column in ["at_risk", *[f"flag_{f.name}" for f in model.flags]]:
        got = turned_on(history, column)
        pairs = {(str(a), pd.Timestamp(d).date()) for a, d in zip(got["account_id"], got["as_of"])}
        assert pairs == _walk(history, column, dates) and len(pairs) == len(got), column
    assert len(turned_on(history, "at_risk")) > 50  # the demo has enough accounts going at risk to test this


def test_flag_events_equal_a_walk_through_each_accounts_month_ends(scored):
    model, dates, history, alerts, _ = scored
    drop, within, horizon = model.alert.drop_points, model.alert.within_days, 3
    score = {(str(r.account_id), pd.Timestamp(r.as_of).date()): r.health_score for r in history.itertuples()}
    before = {(str(r.account_id), pd.Timestamp(r.as_of).date() + timedelta(days=within)): r.health_score
              for r in alerts.itertuples()}
    went = _walk(history, "at_risk", dates)
    want, last = [], {}
    for a, d in sorted(score):
        reasons = []
        b, s = before.get((a, d)), score[(a, d)]
        if b is not None and not math.isnan(b) and not math.isnan(s) and b - s >= drop:
            reasons.append("score-drop alert")
        if (a, d) in went:
            reasons.append("went at risk")
        if not reasons:
            continue
        start = last.get(a)
        if start is None or (d.year - start.year) * 12 + d.month - start.month >= horizon:
            want.append((a, d, " and ".join(reasons)))
            last[a] = d
    got = flag_events(history, model.alert, alerts, horizon)
    assert list(zip(got["account_id"], got["flag_date"], got["reason"])) == want
    reasons = {r for *_, r in want}
    assert reasons == {"went at risk", "score-drop alert", "score-drop alert and went at risk"}


def test_plays_followed_equal_a_search_of_each_firings_activities(scored):
    model, dates, history, _, activities = scored
    as_of, days = dates[-3], 14  # an as-of date with firings still open after it
    by_account: dict[str, list[tuple]] = {}
    for r in activities.itertuples():
        by_account.setdefault(str(r.account_id), []).append((r.activity_date.date(), r.activity_type))
    got = plays_followed(history, model, activities, as_of, days).set_index("flag")
    shown = 0
    for flag in model.flags:
        if not flag.action:
            continue
        types = PLAY_ACTIVITIES[flag.name]
        fired = [(a, d) for a, d in _walk(history, f"flag_{flag.name}", dates) if d <= as_of]
        followed = {(a, d) for a, d in fired
                    if any(t in types and 0 < (day - d).days <= days and day <= as_of for day, t in by_account.get(a, []))}
        decided = [f for f in fired if f in followed or (as_of - f[1]).days > days]
        assert got.loc[flag.name, ["fired", "decided", "followed"]].tolist() == [len(fired), len(decided), len(followed)]
        shown += len(followed) > 0 and len(decided) < len(fired)
    assert shown > 0  # some play followed, and some firing still open, at this as-of date
