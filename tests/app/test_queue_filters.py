"""AppTest: the queue's flag, renewal and "newly at risk" filters and its CSV, against the core computed apart.

Expected rows come from score_dates at the as-of date and 7 days before (plain pandas on the scored frames), and
days to renewal from the metrics; the page's totals must match them exactly.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest

from chs_app.format import money
from chs_core.model import load_model
from chs_core.pipeline import check_source, score_dates
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import open_dataset
from tests.app.test_workspace_pages import _metric, _table


@pytest.fixture(scope="module")
def scored(demo_db):
    as_of = check_source(demo_db).default_as_of
    with open_dataset(demo_db) as ds:
        frame = score_dates(ds, load_model(DEFAULT_MODEL), [as_of - timedelta(days=7), as_of]).frame
    days = pd.to_datetime(frame["as_of"]).dt.date
    return frame[days == as_of].set_index("account_id"), frame[days != as_of].set_index("account_id")


def _ids(at) -> set[str]:
    return set(_table(at)["open"].str.extract(r"account=([^&]+)")[0])


def test_flag_filter_shows_every_account_where_that_flag_fired(open_page, scored):
    now, _ = scored
    at = open_page("at_risk", flag="usage_decline")  # a flag in the link shows all accounts, not only at risk
    assert not at.exception and at.radio(key="queue_scope").value == "all"
    fired = now[now["flag_usage_decline"]]
    assert len(fired) > 0 and _ids(at) == set(fired.index)
    assert _metric(at, "Accounts") == f"{len(fired):,}" and _metric(at, "ARR") == money(fired["arr"].sum())


def test_renewal_within_n_days_among_at_risk_accounts(open_page, scored, demo_db):
    now, _ = scored
    at = open_page("at_risk", renewal_days="60")
    with open_dataset(demo_db) as ds:  # days to renewal straight from the contract table, by hand
        renewals = ds.df("SELECT account_id, renewal_date FROM accounts").set_index("account_id")["renewal_date"]
    as_of = pd.Timestamp(check_source(demo_db).default_as_of)
    ahead = pd.to_datetime(renewals).map(lambda r: _anniversary_days(r, as_of))
    want = now[now["at_risk"] & now.index.map(lambda a: 0 <= ahead.get(a, -1) <= 60)]
    assert _ids(at) == set(want.index) and _metric(at, "Accounts") == f"{len(want):,}"
    assert (_table(at)["days_to_renewal"].between(0, 60)).all()


def _anniversary_days(renewal: pd.Timestamp, as_of: pd.Timestamp) -> float:
    """Days from as_of to the next yearly anniversary of the renewal date (annual contracts), or overdue (<0)."""
    if pd.isna(renewal):
        return float("nan")
    if renewal < as_of:
        return (renewal - as_of).days
    while renewal - pd.DateOffset(years=1) >= as_of:
        renewal = renewal - pd.DateOffset(years=1)
    return (renewal - as_of).days


def test_newly_at_risk_since_last_week(open_page, scored):
    now, week = scored
    at = open_page("at_risk", new="1")
    was = week["at_risk"].reindex(now.index).fillna(False).astype(bool)
    want = now[now["at_risk"] & ~was]
    assert _ids(at) == set(want.index) and _metric(at, "Accounts") == f"{len(want):,}"


def test_csv_download_is_the_list_shown_and_formula_safe(open_page, demo_db):
    from chs_app.sections.at_risk import queue_csv
    from chs_core.workspace import queue_for

    at = open_page("at_risk")
    assert any(b.proto.label == "Download this list (CSV)" for b in at.get("download_button"))
    with open_dataset(demo_db) as ds:
        queue = queue_for(ds, load_model(DEFAULT_MODEL), check_source(demo_db).default_as_of)
    shown = queue[queue["at_risk"]].head(3).copy()
    shown.iloc[0, shown.columns.get_loc("account_name")] = "=HYPERLINK(\"http://x\")"  # a hostile name
    back = pd.read_csv(io.BytesIO(queue_csv(shown)))
    assert list(back["account_id"]) == list(shown["account_id"])  # the rows shown, in the queue's order
    assert back["account_name"].iloc[0] == "'=HYPERLINK(\"http://x\")"  # never run as a formula
    assert {"reasons", "next_action", "days_to_renewal", "days_since_touch", "flags"} <= set(back.columns)
