"""Periods (ttm / quarter / month, previous period, labels) and the partial-last-month check."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from chs_core.kpis.periods import add_months, arr_frame, data_months, last_complete_month, previous_period, resolve_period
from chs_core.sources import dataset_from_frames

DBT_PERIODS = Path(__file__).parents[3] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


def test_add_months_crosses_years():
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2025, 11, 1), 14) == date(2027, 1, 1)


def test_ttm_is_twelve_months_back():
    p = resolve_period("ttm", date(2026, 9, 1))
    assert (p.kind, p.start, p.end, p.label) == ("ttm", date(2025, 9, 1), date(2026, 9, 1), "12 months to Sep 2026")


def test_quarter_label_at_quarter_end_and_elsewhere():
    q3 = resolve_period("quarter", date(2026, 9, 1))
    assert (q3.start, q3.end, q3.label) == (date(2026, 6, 1), date(2026, 9, 1), "Q3 2026")
    # Mid-month input is truncated to its month; August is not a quarter end.
    odd = resolve_period("quarter", date(2026, 8, 15))
    assert (odd.start, odd.end, odd.label) == (date(2026, 5, 1), date(2026, 8, 1), "3 months to Aug 2026")
    assert resolve_period("quarter", date(2027, 3, 1)).label == "Q1 2027"


def test_month_period():
    p = resolve_period("month", date(2026, 1, 1))
    assert (p.start, p.end, p.label) == (date(2025, 12, 1), date(2026, 1, 1), "Jan 2026")


def test_previous_period_has_same_length_and_ends_at_start():
    prev = previous_period(resolve_period("quarter", date(2026, 9, 1)))
    assert (prev.start, prev.end, prev.label) == (date(2026, 3, 1), date(2026, 6, 1), "Q2 2026")
    prev_ttm = previous_period(resolve_period("ttm", date(2026, 9, 1)))
    assert (prev_ttm.start, prev_ttm.end) == (date(2024, 9, 1), date(2025, 9, 1))
    assert previous_period(resolve_period("month", date(2026, 1, 1))).end == date(2025, 12, 1)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="ttm"):
        resolve_period("year", date(2026, 1, 1))


def _paying(counts: dict[str, int]) -> pd.DataFrame:
    """arr_monthly with counts[month] accounts paying 100 in that month (accounts a0, a1, ...)."""
    rows = [(f"a{i}", month, 100.0) for month, n in counts.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["account_id", "month", "arr"])


def test_data_months_sorted_and_truncated():
    ds = dataset_from_frames({"arr_monthly": pd.DataFrame({
        "account_id": ["a", "b", "a"], "month": ["2026-02-10", "2026-01-31", "2026-02-01"], "arr": [1.0, 2.0, 3.0]})})
    assert data_months(ds) == [date(2026, 1, 1), date(2026, 2, 1)]


def test_partial_last_month_detected():
    # 10 paying in Jan and Feb, 3 in Mar: 3 < 0.8 * 10 = 8, so March looks cut off.
    check = last_complete_month(dataset_from_frames({"arr_monthly": _paying(
        {"2026-01-01": 10, "2026-02-01": 10, "2026-03-01": 3})}))
    assert check.partial
    assert check.end_month == date(2026, 2, 1) and check.last_month == date(2026, 3, 1)
    assert (check.last_count, check.previous_count) == (3, 10)
    assert check.message == ("arr_monthly's last month, 2026-03, has 3 accounts against 10 in 2026-02: "
                             "it looks incomplete, so 2026-02 is used as the default end month.")


def test_ordinary_churn_is_not_partial():
    # 9 of 10 still paying: 9 >= 8, an ordinary month with one churn.
    check = last_complete_month(_paying({"2026-01-01": 10, "2026-02-01": 9}))
    assert not check.partial and check.end_month == date(2026, 2, 1)


def test_empty_and_single_month():
    empty = pd.DataFrame({"account_id": pd.Series([], dtype=str), "month": pd.Series([], dtype="datetime64[us]"),
                          "arr": pd.Series([], dtype=float)})
    assert last_complete_month(empty).end_month is None
    single = last_complete_month(_paying({"2026-01-01": 2}))
    assert single.end_month == date(2026, 1, 1) and not single.partial


def _dbt_arr_monthly() -> pd.DataFrame:
    """dbt MRR playbook periods as arr_monthly: a month counts when start <= month < end; ARR = 12 x MRR."""
    periods = pd.read_csv(DBT_PERIODS, parse_dates=["start_date", "end_date"])
    rows = []
    for p in periods.itertuples():
        for month in pd.date_range(p.start_date, p.end_date, freq="MS", inclusive="left"):
            rows.append((str(p.customer_id), month, 12.0 * p.monthly_amount))
    frame = pd.DataFrame(rows, columns=["account_id", "month", "arr"])
    return frame.groupby(["account_id", "month"], as_index=False)["arr"].sum()


@pytest.mark.skipif(not DBT_PERIODS.exists(), reason="shared dbt MRR playbook sample not present")
def test_dbt_playbook_ends_part_way_through_january_2020():
    # SOURCE.md: only 4 customers have a period covering Jan 2020, and 28 customers' last period ends
    # 2020-01-01 (end exclusive), i.e. they pay in Dec 2019; the 4 January payers all start in 2020-01.
    # 4 < 0.8 * 28 = 22.4, so January is called incomplete and Dec 2019 is the end month.
    check = last_complete_month(dataset_from_frames({"arr_monthly": _dbt_arr_monthly()}))
    assert check.partial
    assert check.last_month == date(2020, 1, 1)
    assert check.end_month == date(2019, 12, 1)
    assert (check.last_count, check.previous_count) == (4, 28)
    assert "2020-01" in check.message and "looks incomplete" in check.message
    assert "so 2019-12 is used as the default end month" in check.message


def test_arr_is_cleaned_once_per_source():
    raw = pd.DataFrame({"account_id": ["a", "a", "b"], "month": ["2026-01-15", "2026-01-20", "2026-02-01"],
                        "arr": [100, 50, -5]})
    clean = arr_frame(raw)
    assert clean["arr"].tolist() == [150.0, 0.0]  # same month summed, negative counts as 0
    assert arr_frame(clean) is clean  # a frame arr_frame built is passed through, not cleaned again


def test_clean_arr_from_a_source_is_cleaned_in_duckdb_as_pandas_cleans_a_frame():
    """arr_frame(Dataset) runs queries/clean_arr.sql; arr_frame(frame) the pandas steps: the same frame, for ARR that
    is missing, NaN, negative, split over two rows of a month, dated mid-month, or infinite."""
    nan = float("nan")
    raw = pd.DataFrame({
        "account_id": ["B", "A", "A", "A", "C", "C", "D", "B", "E"],
        "month": ["2024-02-01", "2024-01-01", "2024-01-15", "2024-02-01", "2024-01-01", "2024-02-01", "2024-01-01",
                  "2024-01-01", "2024-03-31"],
        "arr": [100.0, 40.0, 60.5, nan, -20.0, None, float("inf"), 7.25, 0.0],
    })
    with dataset_from_frames({"arr_monthly": raw}) as ds:
        in_duckdb = arr_frame(ds)
        typed = ds.table("arr_monthly", ["account_id", "month", "arr"])
    in_pandas = arr_frame(typed)
    pd.testing.assert_frame_equal(in_duckdb, in_pandas)
    # By hand: A's January is 40 + 60.5 (the 15th counts in January), every bad value is 0, D stays infinite.
    assert in_duckdb.to_dict("list") == {
        "account_id": ["A", "A", "B", "B", "C", "C", "D", "E"],
        "month": [pd.Timestamp(m) for m in ("2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01", "2024-01-01",
                                            "2024-02-01", "2024-01-01", "2024-03-01")],
        "arr": [100.5, 0.0, 7.25, 100.0, 0.0, 0.0, float("inf"), 0.0],
    }
