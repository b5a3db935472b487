"""Closing-the-loop page through AppTest: the flags table's touches are re-derived here from csm_activities in SQL,
and the headline cards agree with that table."""
from __future__ import annotations

import duckdb
import pandas as pd

from chs_app import state
from chs_core.kpis.periods import add_months
from tests.fixtures import six_accounts, write_csv_folder


def _open(run_app, page_paths, data=None):
    at = run_app(data)
    at.switch_page(page_paths["loop"]).run()
    assert not at.exception
    return at


def _flags(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if {"flag_date", "days_to_touch", "status"} <= set(d.value.columns))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_first_touch_of_every_listed_flag_matches_the_activities_table(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    at.segmented_control(key=state.LOOP_STATUS).set_value(None).run()  # every flag, not one response group
    flags = _flags(at)
    assert len(flags) > 20
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        touches = con.execute(
            "SELECT account_id, activity_date::DATE AS d FROM csm_activities WHERE activity_type IN "
            "('meeting', 'call', 'qbr', 'training') AND coalesce(outcome, 'held') = 'held'").df()
    finally:
        con.close()
    as_of = at.selectbox(key=state.AS_OF).value
    as_of = pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)
    touches["d"] = pd.to_datetime(touches["d"])
    for row in flags.sample(min(40, len(flags)), random_state=1).itertuples():
        flag_day = pd.Timestamp(row.flag_date)
        after = touches[(touches["account_id"] == row.account_id) & (touches["d"] > flag_day) & (touches["d"] <= as_of)]
        if after.empty:
            assert pd.isna(row.days_to_touch)
            assert row.status == ("Open (too recent)" if (as_of - flag_day).days <= 14 else "Not touched")
        else:
            days = (after["d"].min() - flag_day).days
            assert row.days_to_touch == days
            assert row.status == ("Touched in time" if days <= 14 else "Touched later")
    decided = flags[flags["status"] != "Open (too recent)"]
    cards = _metrics(at)
    assert cards["Flagged accounts"] == f"{len(decided):,}"
    in_time = (decided["status"] == "Touched in time").mean()
    assert cards["Touched within 14 days"] == f"{in_time * 100:.1f}%"
    assert any("association, not proof of cause" in i.value for i in at.info)


def test_csm_filter_and_an_earlier_as_of_date(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    options = at.multiselect(key=state.FILTER_CSM).options
    # The largest book of the demo (chs_core/demo/csms.py), so the chosen CSM surely has flags to show.
    csm = "Jordan Blake" if "Jordan Blake" in options else options[0]
    at.multiselect(key=state.FILTER_CSM).set_value([csm]).run()
    assert not at.exception
    by_csm = next(d.value for d in at.dataframe if "csm" in d.value.columns and "share_in_time" in d.value.columns)
    assert by_csm["csm"].tolist() == [csm]


def test_a_book_without_csm_activities_says_so(run_app, page_paths, tmp_path):
    folder = write_csv_folder(six_accounts(), tmp_path / "six")
    at = _open(run_app, page_paths, folder)
    assert any("no csm_activities table" in w.value for w in at.warning)


def test_as_of_date_bounds_the_flags(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    box = at.selectbox(key=state.AS_OF)
    chosen = add_months(box.value, -6)
    box.set_value(chosen).run()
    assert not at.exception
    at.segmented_control(key=state.LOOP_STATUS).set_value(None).run()
    flags = _flags(at)
    as_of = pd.Timestamp(chosen) + pd.offsets.MonthEnd(0)
    assert (pd.to_datetime(flags["flag_date"]) <= as_of).all()
    touched = flags["first_touch"].dropna()
    assert (pd.to_datetime(touched) <= as_of).all()  # no touch from after the as-of date
