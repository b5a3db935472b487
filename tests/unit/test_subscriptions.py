"""Monthly ARR derived from subscriptions, checked against ARR worked out by hand from the stated rule.

Rule: a month's ARR is the sum of the subscriptions active on its last day; end_date is the first day no longer
paid (exclusive) unless the mapping says inclusive; ARR = arr, else mrr x 12.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from chs_core.pipeline import check_source
from chs_core.sources import source_for

HEADER = "subscription_id,account_id,start_date,end_date,mrr,arr,quantity,status\n"


def folder_with(tmp_path: Path, rows: str, mapping: str = "") -> Path:
    (tmp_path / "subscriptions.csv").write_text(HEADER + rows)
    if mapping:
        (tmp_path / "chs.yaml").write_text(mapping)
    return tmp_path


def arr_by_month(folder: Path) -> dict[tuple[str, str], float]:
    with source_for(folder).open() as ds:
        frame = ds.table("arr_monthly", ["account_id", "month", "arr"])
    return {(r.account_id, f"{r.month:%Y-%m}"): r.arr for r in frame.itertuples()}


THROUGH_MAY = "tables:\n  subscriptions:\n    through: 2025-05-31\n"


def test_overlapping_subscriptions_are_summed(tmp_path):
    arr = arr_by_month(folder_with(tmp_path, "s1,A,2025-01-01,2025-04-01,100,,,active\n"
                                             "s2,A,2025-02-15,,50,,,active\n", THROUGH_MAY))
    # Jan: s1 only (100 x 12). Feb-Mar: s1 + s2 (150 x 12). Apr-May: s1 ended on Apr 1, so s2 only (50 x 12).
    assert arr == {("A", "2025-01"): 1200, ("A", "2025-02"): 1800, ("A", "2025-03"): 1800,
                   ("A", "2025-04"): 600, ("A", "2025-05"): 600}


def test_an_upgrade_mid_month_counts_at_its_new_price_never_both(tmp_path):
    arr = arr_by_month(folder_with(tmp_path, "s1,B,2025-01-01,2025-03-15,100,,,active\n"
                                             "s2,B,2025-03-15,,200,,,active\n", THROUGH_MAY))
    # On Mar 31 only s2 is active: 2400 from March, never 1200 + 2400.
    assert arr == {("B", "2025-01"): 1200, ("B", "2025-02"): 1200, ("B", "2025-03"): 2400,
                   ("B", "2025-04"): 2400, ("B", "2025-05"): 2400}


@pytest.mark.parametrize(("rule", "months"), [("exclusive", ["2025-01", "2025-02"]),
                                              ("inclusive", ["2025-01", "2025-02", "2025-03"])])
def test_end_date_exclusive_or_inclusive(tmp_path, rule, months):
    mapping = f"tables:\n  subscriptions:\n    end_date: {rule}\n    through: 2025-05-31\n"
    arr = arr_by_month(folder_with(tmp_path, "s1,C,2025-01-01,2025-03-31,10,,,active\n", mapping))
    # Exclusive: Mar 31 is the first day no longer paid, so March is not paid. Inclusive: Mar 31 is still paid.
    assert arr == {("C", m): 120 for m in months}


def test_a_cancelled_subscription_is_gone_from_the_month_it_ends_in(tmp_path):
    arr = arr_by_month(folder_with(tmp_path, "s1,D,2025-01-10,2025-03-20,10,,,cancelled\n", THROUGH_MAY))
    # Active on Jan 31 and Feb 28; not on Mar 31: its last month is February.
    assert arr == {("D", "2025-01"): 120, ("D", "2025-02"): 120}


def test_a_gap_is_churn_and_a_later_period_a_reactivation(tmp_path):
    folder = folder_with(tmp_path, "s1,E,2025-01-01,2025-02-01,10,,,active\ns2,E,2025-04-01,,20,,,active\n"
                                   "s3,K,2025-01-01,,10,,,active\n", THROUGH_MAY)
    arr = arr_by_month(folder)
    assert {k: v for k, v in arr.items() if k[0] == "E"} == {("E", "2025-01"): 120, ("E", "2025-04"): 240,
                                                            ("E", "2025-05"): 240}


def test_trials_carry_no_arr_arr_wins_over_mrr_and_quantities_sum_to_seats(tmp_path):
    folder = folder_with(tmp_path, "t1,F,2025-01-01,2025-02-01,0,,5,trial\ns1,F,2025-02-01,,30,,5,active\n"
                                   "s2,F,2025-03-01,,10,,2,active\ng1,G,2025-01-01,,1,1000,,active\n", THROUGH_MAY)
    with source_for(folder).open() as ds:
        frame = ds.table("arr_monthly", ["account_id", "month", "arr", "seats"])
    got = {(r.account_id, f"{r.month:%Y-%m}"): (r.arr, r.seats) for r in frame.itertuples()}
    assert got[("F", "2025-01")] == (0, 5)  # the trial month: a row, no ARR
    assert got[("F", "2025-02")] == (360, 5)
    assert got[("F", "2025-03")] == (480, 7)  # (30 + 10) x 12; seats 5 + 2
    assert got[("G", "2025-01")][0] == 1000


def test_months_run_to_the_latest_date_in_the_export_and_accounts_are_derived(tmp_path):
    folder = folder_with(tmp_path, "s1,A,2025-01-01,2025-03-01,10,,3,active\ns2,B,2025-02-10,,20,,,active\n")
    arr = arr_by_month(folder)
    # Latest start Feb 10, latest end Mar 1 (last day paid Feb 28): months Jan-Feb, B open-ended up to February.
    assert arr == {("A", "2025-01"): 120, ("A", "2025-02"): 120, ("B", "2025-02"): 240}
    checked = check_source(folder, date(2026, 1, 1))
    assert checked.usable and checked.tables == {"accounts": 2, "arr_monthly": 3, "subscriptions": 2}
    assert list(checked.accounts["account_name"]) == ["A", "B"]
    with source_for(folder).open() as ds:
        seats = dict(ds.rows("SELECT account_id, licensed_seats FROM accounts"))
        assert "accounts" in ds.derived and "arr_monthly" in ds.derived
    assert seats == {"A": 3, "B": 1}  # A: its latest month's quantity; B gave none: 1


def test_subscription_problems_are_named_with_the_fix(tmp_path):
    folder = folder_with(tmp_path, "s1,A,2025-03-01,2025-01-01,10,,,active\ns2,A,2025-01-01,,10,,,canceled\n"
                                   "s3,B,2025-01-01,,10,,,frozen\n")
    problems = check_source(folder, date(2026, 1, 1)).problems
    ends = {p.message.split(" (")[0]: p for p in problems if p.column == "end_date"}
    # s1 ends before it starts; s2 is cancelled with no end (so its revenue would never end)
    assert ends["end_date before start_date"].rows == 1 and ends["end_date before start_date"].severity == "error"
    assert ends["cancelled with no end_date"].rows == 1 and "'s2'" in ends["cancelled with no end_date"].message
    status = [p for p in problems if p.column == "status"]
    assert status[0].severity == "warning" and "'frozen'" in status[0].message


def test_end_dates_on_month_ends_read_as_exclusive_get_a_warning(tmp_path):
    folder = folder_with(tmp_path, "s1,A,2025-01-01,2025-12-31,10,,,active\ns2,B,2025-01-01,2025-06-30,10,,,active\n")
    warning = [p for p in check_source(folder, date(2026, 1, 1)).warnings if p.column == "end_date"]
    assert warning and "end_date: inclusive" in warning[0].fix


def test_a_single_csv_file_as_data_is_read_as_the_table_its_columns_show(tmp_path):
    path = tmp_path / "export.csv"
    pd.DataFrame({"account_id": ["A"], "start_date": ["2025-01-01"], "end_date": ["2025-03-01"],
                  "mrr": [10]}).to_csv(path, index=False)
    assert arr_by_month(path) == {("A", "2025-01"): 120, ("A", "2025-02"): 120}
    (tmp_path / "notes.csv").write_text("colour,taste\nred,sweet\n")
    checked = check_source(tmp_path / "notes.csv")
    assert not checked.opened and "cannot tell which table" in checked.problems[0].message


def _book(holes: int) -> dict[str, pd.DataFrame]:
    """Ten accounts paying Jan-Jun 2025; the first `holes` of them have no ARR in March (Feb and Apr paid)."""
    months = [f"2025-0{m}-01" for m in range(1, 7)]
    rows = [(f"a{i}", m, 100.0) for i in range(10) for m in months if not (i < holes and m == "2025-03-01")]
    accounts = pd.DataFrame({"account_id": [f"a{i}" for i in range(10)], "account_name": "x", "segment": "SMB",
                             "licensed_seats": 1})
    return {"accounts": accounts, "arr_monthly": pd.DataFrame(rows, columns=["account_id", "month", "arr"])}


@pytest.mark.parametrize(("holes", "warned"), [(0, False), (2, False), (3, True), (6, True)])
def test_sparse_snapshot_warning_needs_many_accounts_with_a_one_month_hole(holes, warned):
    from chs_core.sources import FramesSource

    found = [p for p in check_source(FramesSource(_book(holes)), date(2026, 1, 1)).warnings if p.table == "arr_monthly"]
    # 2 of 10 accounts pausing for one month is a real book (reactivations); 3 of 10 (>= 10 %, >= 3) is the pattern.
    assert bool(found) == warned
    if warned:
        assert found[0].message.startswith(f"{holes} of 10 accounts")
