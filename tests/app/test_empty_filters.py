"""Sidebar filters that match no account stop the cohorts and closing-the-loop pages with one message saying what to
do (chs_app.guards.filtered_ids_or_stop), never an error or an empty chart."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from chs_app import state


def _segment_and_csm_sharing_no_account(demo_db) -> tuple[str, str]:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        accounts = con.execute("SELECT segment, csm FROM accounts").df()
    finally:
        con.close()
    pairs = set(accounts.itertuples(index=False, name=None))
    every = pd.MultiIndex.from_product([sorted(accounts["segment"].unique()), sorted(accounts["csm"].unique())])
    empty = [pair for pair in every if pair not in pairs]
    assert empty, "the demo should have a segment and CSM with no shared account"
    return empty[0]


@pytest.mark.parametrize(("page", "what"), [("cohorts", "the cohorts"), ("loop", "the loop")])
def test_filters_matching_no_account_stop_the_page_with_the_fix(run_app, page_paths, demo_db, page, what):
    segment, csm = _segment_and_csm_sharing_no_account(demo_db)
    at = run_app()
    at.multiselect(key=state.FILTER_SEGMENT).set_value([segment])
    at.multiselect(key=state.FILTER_CSM).set_value([csm]).run()
    at.switch_page(page_paths[page]).run()
    assert not at.exception
    assert [i.value for i in at.info] == [f"No accounts match the filters in the sidebar. Clear a filter to see {what}."]
    assert not at.get("plotly_chart") and not at.dataframe
