"""What the executive page reads from the results store (a few dates, a few columns, the accounts flagged in a
window counted in DuckDB) gives the same figures as the whole scored history in pandas, with the store on and off."""
from __future__ import annotations

import pandas as pd
import pytest

from chs_core.kpis.bridge_health import movement_health
from chs_core.kpis.executive import executive_summary, health_history
from chs_core.kpis.periods import month_end, previous_period, resolve_period
from chs_core.kpis.retention import arr_movements
from chs_core.model import load_model
from chs_core.outcomes.lift import tier_lift
from chs_core.pipeline import check_source, flagged_accounts, history_dates, scored_frame
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import source_for

COLUMNS = ["account_id", "as_of", "arr", "segment", "health_score", "tier", "at_risk"]  # executive_data.HISTORY_COLUMNS


@pytest.fixture(scope="module", params=["store", "off"])
def book(request, demo_db, tmp_path_factory):
    """(open dataset, checked source, model, every history date, the whole scored history), store on or off."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CHS_RESULTS_STORE", str(tmp_path_factory.mktemp("slices") / "r.duckdb")
                   if request.param == "store" else "off")
        checked = check_source(demo_db)
        model = load_model(DEFAULT_MODEL)
        dates = history_dates(checked.arr, checked.default_as_of)
        with source_for(demo_db).open() as ds:
            yield ds, checked, model, dates, scored_frame(ds, model, dates)


def test_a_column_slice_at_some_dates_is_those_rows_and_columns_of_the_whole_history(book):
    ds, _, model, dates, full = book
    some = [dates[2], dates[-1]]
    got = scored_frame(ds, model, some, columns=COLUMNS)
    want = full[pd.to_datetime(full["as_of"]).isin(pd.to_datetime(some))][COLUMNS].reset_index(drop=True)
    assert list(got.columns) == COLUMNS and len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got, want)


def test_accounts_flagged_in_a_window_are_those_with_an_at_risk_row_there(book):
    ds, _, model, dates, full = book
    window = dates[-4:-1]
    # Second method: walk the rows of the whole history one by one.
    by_hand = sorted({str(r.account_id) for r in full.itertuples()
                      if pd.Timestamp(r.as_of) in set(pd.to_datetime(window)) and r.at_risk is True})
    got = flagged_accounts(ds, model, window)
    assert got == by_hand and 0 < len(got) < full["account_id"].nunique()
    assert flagged_accounts(ds, model, []) == []


def test_the_executive_figures_from_slices_equal_those_from_the_whole_history(book):
    ds, checked, model, dates, full = book
    arr, tiers = checked.arr, model.tier_names()
    for kind in ("quarter", "ttm", "month"):
        period = resolve_period(kind, checked.completeness.end_month)
        as_of, before = month_end(period.end), month_end(previous_period(period).end)
        two = scored_frame(ds, model, [d for d in dates if d in (as_of, before)], columns=COLUMNS)
        assert executive_summary(arr, two, period, tiers).to_dict() == executive_summary(arr, full, period, tiers).to_dict()
        start, end = month_end(period.start), month_end(period.end)
        movements = arr_movements(arr, period.start, period.end)
        # A start before the history (warm-up months): no rows, the columns kept (as the app's score_slice does).
        at_start = scored_frame(ds, model, [start] if start in dates else dates[:1], columns=COLUMNS)
        at_start = at_start if start in dates else at_start.iloc[:0]
        flagged = flagged_accounts(ds, model, [d for d in dates if start <= d < end])
        pd.testing.assert_frame_equal(movement_health(movements, at_start, period, flagged),
                                      movement_health(movements, full, period))
    narrow = scored_frame(ds, model, dates, columns=COLUMNS)
    pd.testing.assert_frame_equal(health_history(narrow), health_history(full))
    ids = sorted(full["account_id"].unique())[::3]
    pd.testing.assert_frame_equal(health_history(narrow, ids), health_history(full, ids))
    got, got_summary = tier_lift(narrow, arr, model, 3, checked.completeness.end_month)
    want, want_summary = tier_lift(full, arr, model, 3, checked.completeness.end_month)
    pd.testing.assert_frame_equal(got, want)
    assert got_summary == want_summary


def test_the_loop_report_from_its_columns_equals_the_one_from_whole_score_rows(book):
    from dataclasses import fields

    from chs_core.outcomes import loop
    from chs_core.outcomes.loop_report import alert_window_dates, loop_report

    ds, checked, model, dates, full = book
    columns = ["account_id", "as_of", "arr", "account_name", "segment", "csm", "health_score", "tier", "at_risk",
               *[f"flag_{f.name}" for f in model.flags]]  # data.LOOP_COLUMNS and the model's flags
    window = alert_window_dates(dates, model.alert.within_days)
    activities, end = loop.touch_activities(ds), checked.completeness.end_month
    got = loop_report(scored_frame(ds, model, dates, columns=columns),
                      scored_frame(ds, model, window, columns=["account_id", "as_of", "health_score"]),
                      activities, checked.arr, model, dates[-1], end)
    want = loop_report(full, scored_frame(ds, model, window), activities, checked.arr, model, dates[-1], end)
    assert len(want.flags) > 0
    for field in fields(want):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b, field.name
