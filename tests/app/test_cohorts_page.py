"""Cohorts page through AppTest: the cell behind the pickers agrees with a count made here from the raw tables."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from chs_app import state
from tests.fixtures import six_accounts, write_csv_folder


def _raw(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        accounts = con.execute("SELECT account_id, segment, customer_since FROM accounts").df()
        arr = con.execute("SELECT account_id, date_trunc('month', month) AS month, sum(arr) AS arr FROM arr_monthly "
                          "GROUP BY ALL").df()
    finally:
        con.close()
    arr["month"] = pd.to_datetime(arr["month"])
    return accounts, arr


def _cell_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if {"status", "reactivated", "start_arr"} <= set(d.value.columns))


def _cohorts(at) -> list[str]:
    """The cohort picker's choices without their '(N accounts)' suffix."""
    return [o.rsplit(" (", 1)[0] for o in at.selectbox(key=state.COHORT_CELL_COHORT).options]


def _open(run_app, page_paths, data=None):
    at = run_app(data)
    at.switch_page(page_paths["cohorts"]).run()
    assert not at.exception
    return at


def test_first_quarter_cohort_cell_matches_a_count_from_the_raw_tables(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    accounts, arr = _raw(demo_db)
    first, end = arr["month"].min(), arr["month"].max()
    start = pd.to_datetime(accounts["customer_since"]).dt.to_period("M").dt.to_timestamp()
    quarter_start = start.dt.to_period("Q").dt.to_timestamp()
    # Quarters wholly inside the history; the page opens on the earliest.
    inside = accounts.assign(start=start, q=quarter_start)[quarter_start >= first]
    earliest = inside["q"].min()
    cohort = inside[inside["q"] == earliest]
    label = f"{earliest.year} Q{earliest.quarter}"
    assert at.selectbox(key=state.COHORT_CELL_COHORT).value == label
    # The last month every account of the cohort has reached.
    age = (end.year - cohort["start"].max().year) * 12 + end.month - cohort["start"].max().month
    assert at.selectbox(key=state.COHORT_CELL_AGE).value == age
    paying = 0
    for account, s in zip(cohort["account_id"], cohort["start"]):
        month = s + pd.DateOffset(months=age)
        paid = arr[(arr["account_id"] == account) & (arr["month"] == month)]["arr"].sum()
        paying += paid > 0
    table = _cell_table(at)
    assert sorted(table["account_id"]) == sorted(cohort["account_id"])
    assert int((table["arr"] > 0).sum()) == paying
    assert any(f"{paying:,} of {len(cohort):,}" in m.value for m in at.markdown)


def test_grouping_by_segment_and_the_sidebar_filter(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    at.segmented_control(key=state.COHORT_BY).set_value("segment").run()
    assert not at.exception
    assert set(_cohorts(at)) <= {"SMB", "Mid-Market", "Enterprise"}
    at.multiselect(key=state.FILTER_SEGMENT).set_value(["Enterprise"]).run()
    assert _cohorts(at) == ["Enterprise"]
    assert set(_cell_table(at)["segment"]) == {"Enterprise"}


def test_the_youngest_cohort_offers_only_the_months_it_has_reached(run_app, page_paths, demo_db):
    at = _open(run_app, page_paths)
    at.segmented_control(key=state.COHORT_BY).set_value("start_month").run()
    picker = at.selectbox(key=state.COHORT_CELL_COHORT)
    youngest = _cohorts(at)[-1]
    picker.set_value(youngest).run()
    accounts, arr = _raw(demo_db)
    first, end = arr["month"].min(), arr["month"].max()
    start = pd.to_datetime(accounts["customer_since"]).dt.to_period("M").dt.to_timestamp()
    newest = start[(start >= first) & (start <= end)].max()
    assert youngest == f"{newest:%Y-%m}"
    reached = (end.year - newest.year) * 12 + end.month - newest.month
    assert at.selectbox(key=state.COHORT_CELL_AGE).options == [str(k) for k in range(reached + 1)]


def test_channel_only_when_supplied_and_a_book_with_one_cohort(run_app, page_paths, tmp_path):
    at = _open(run_app, page_paths)
    assert "Acquisition channel" in at.segmented_control(key=state.COHORT_BY).options
    folder = write_csv_folder(six_accounts(), tmp_path / "six")
    at = _open(run_app, page_paths, folder)
    assert "Acquisition channel" not in at.segmented_control(key=state.COHORT_BY).options
    # Only E (customer_since Oct 2025, 600 a month) starts inside the history (Jan 2025 - Mar 2026).
    assert at.selectbox(key=state.COHORT_CELL_COHORT).options == ["2025 Q4 (1 account)"]
    table = _cell_table(at)
    assert table["account_id"].tolist() == ["E"] and table["arr"].tolist() == [600.0]
    assert any("5 started before the ARR history" in m.value for m in at.markdown)
    assert len(at.get("download_button")) == 2
