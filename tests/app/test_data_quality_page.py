"""Data quality page, and both pages on bad inputs: a clear message, never a traceback."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chs_core.contract import INPUT_TABLES
from chs_core.settings import DEFAULT_MODEL as DEFAULT_MODEL_PATH

DBT_MRR = Path(__file__).resolve().parents[3] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


def _text(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _table(at, columns: set[str]) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if columns <= set(d.value.columns)]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_good_demo_reports_no_problems_and_lists_every_table(page_paths, run_app):
    at = run_app()
    at.switch_page(page_paths["data_quality"]).run()
    _no_exception(at)
    assert at.title[0].value == "Data"
    assert any("No problems" in s.value for s in at.success)
    assert not at.error and not at.warning
    tables = _table(at, {"table", "required", "rows", "status"})
    assert list(tables["table"]) == [t.name for t in INPUT_TABLES]
    scored = tables[tables["table"] != "subscriptions"]
    assert set(scored["status"]) == {"supplied"}  # the demo fills every contract table, none is stale
    assert (scored["rows"] > 0).all()
    assert tables.set_index("table").loc["subscriptions", "status"] == "not supplied (arr_monthly given instead)"
    # The demo ends at its as-of date: its ARR's latest month reaches it.
    assert tables.set_index("table").loc["arr_monthly", "days behind as-of"] == 0


@pytest.fixture
def broken_folder(tmp_path) -> Path:
    """accounts.csv without the required `segment` column; arr_monthly.csv with one negative ARR."""
    pd.DataFrame({"account_id": ["A", "B"], "account_name": ["Acme", "Bolt"], "licensed_seats": [10, 5]}).to_csv(
        tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"account_id": ["A", "A", "B", "B"], "month": ["2025-01-01", "2025-02-01"] * 2,
                  "arr": [1000, -5, 200, 200]}).to_csv(tmp_path / "arr_monthly.csv", index=False)
    return tmp_path


def test_broken_folder_stops_the_executive_page_with_the_table_and_column(run_app, broken_folder):
    at = run_app(data=broken_folder)
    _no_exception(at)
    assert not at.metric  # nothing scored from bad data
    message = _text(at.error) + "\n" + _text(at.markdown)
    assert "2 problem(s)" in _text(at.main.error)
    assert "accounts.segment" in message and "required column is missing" in message
    assert "arr_monthly.arr" in message and "negative ARR" in message


def test_broken_folder_problems_are_listed_on_the_data_quality_page(page_paths, run_app, broken_folder):
    at = run_app(data=broken_folder)
    at.switch_page(page_paths["data_quality"]).run()
    _no_exception(at)
    assert not at.success
    problems = _table(at, {"severity", "table", "column", "problem", "how to fix"})
    found = {(r.severity, r.table, r.column) for r in problems.itertuples()}
    assert ("error", "accounts", "segment") in found
    assert ("error", "arr_monthly", "arr") in found
    assert all(problems["how to fix"].str.len() > 0)
    assert [m.value for m in at.metric if m.label == "Errors"] == ["2"]


def test_a_data_path_that_does_not_exist_gives_a_clear_error(page_paths, run_app, tmp_path):
    missing = tmp_path / "nowhere" / "data.duckdb"
    at = run_app(data=missing)
    _no_exception(at)
    message = _text(at.error) + "\n" + _text(at.markdown)
    assert str(missing) in message and "does not exist" in message
    at.switch_page(page_paths["data_quality"]).run()
    _no_exception(at)
    assert "does not exist" in _table(at, {"problem"})["problem"].iloc[0]


def test_a_misspelt_metric_in_the_model_names_the_key(run_app, tmp_path):
    text = DEFAULT_MODEL_PATH.read_text()
    assert "      active_user_ratio:" in text
    model = tmp_path / "model.yaml"
    model.write_text(text.replace("      active_user_ratio:", "      active_user_ratoi:", 1))
    at = run_app(model=model)
    _no_exception(at)
    errors = _text(at.error)
    assert "components.usage.metrics.active_user_ratoi" in errors
    assert "active_user_ratio" in errors.replace("active_user_ratoi", "")  # the suggestion
    assert not at.metric


@pytest.fixture
def dbt_mrr_folder(tmp_path) -> Path:
    """dbt's MRR playbook sample as a contract folder: accounts and arr_monthly only.

    A subscription counts in month m when start_date <= m < end_date; ARR = 12 × monthly_amount.
    """
    if not DBT_MRR.exists():
        pytest.skip(f"{DBT_MRR} is not on this machine")
    subs = pd.read_csv(DBT_MRR, parse_dates=["start_date", "end_date"])
    rows = []
    for sub in subs.itertuples():
        for month in pd.date_range(sub.start_date, sub.end_date - pd.Timedelta(days=1), freq="MS"):
            rows.append({"account_id": str(sub.customer_id), "month": month.date(), "arr": 12.0 * sub.monthly_amount})
    arr = pd.DataFrame(rows).groupby(["account_id", "month"], as_index=False)["arr"].sum()
    customers = sorted(subs["customer_id"].astype(str).unique())
    pd.DataFrame({"account_id": customers, "account_name": [f"Customer {c}" for c in customers],
                  "segment": "SMB", "licensed_seats": 10}).to_csv(tmp_path / "accounts.csv", index=False)
    arr.to_csv(tmp_path / "arr_monthly.csv", index=False)
    return tmp_path


def test_partial_last_month_warns_and_defaults_to_the_month_before(page_paths, run_app, dbt_mrr_folder):
    arr = pd.read_csv(dbt_mrr_folder / "arr_monthly.csv")
    paying = arr[arr["arr"] > 0].groupby("month")["account_id"].nunique()
    # Counted from the CSV: 28 customers pay in 2019-12 and only 4 in 2020-01 (the sample stops early in
    # January); 4 < 0.8 × 28 = 22.4, so 2020-01 is partial and Dec 2019 is the default end month.
    assert paying.index.max() == "2020-01-01"
    assert (paying["2019-12-01"], paying["2020-01-01"]) == (28, 4)
    at = run_app(data=dbt_mrr_folder)
    _no_exception(at)
    assert not at.error
    warnings = _text(at.warning)
    assert "2020-01" in warnings and "incomplete" in warnings
    end = at.selectbox(key="as_of")
    assert end.value == pd.Timestamp("2019-12-01").date() and end.format_func(end.value) == "2019-12-31"
    labels = [m.label for m in at.metric]
    assert "GRR" in labels and "Average health" in labels
    at.switch_page(page_paths["data_quality"]).run()
    _no_exception(at)
    status = _table(at, {"table", "status"}).set_index("table")["status"]
    assert status["accounts"] == "supplied" and status["usage_events"].startswith("not supplied")
