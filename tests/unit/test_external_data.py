"""Real data nobody on the team wrote, loaded as a user would (read from ../shared/external, never copied).

Each test maps the raw files to the contract the way the README tells a user to, and checks
what breaks is reported clearly and what loads gives numbers we can confirm by a second method.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.model import load_model
from chs_core.pipeline import check_source, score_dates
from chs_core.sources import open_dataset
from chs_core.validation.checks import errors_only, validate_dataset

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "external"
TODAY = date(2026, 11, 23)
MODEL = Path(__file__).resolve().parents[2] / "model.yaml"


def need(*parts: str) -> Path:
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


def ravenstack_folder(tmp_path: Path, map_priorities: bool) -> Path:
    """RavenStack mapped to the contract: plan tier → segment, subscriptions → monthly ARR, usage via subscription."""
    raw = need("ravenstack")
    out = tmp_path / "ravenstack"
    out.mkdir()
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT account_id, account_name,
            CASE plan_tier WHEN 'Basic' THEN 'SMB' WHEN 'Pro' THEN 'Mid-Market' ELSE 'Enterprise' END AS segment,
            industry, country AS region, seats AS licensed_seats, signup_date AS customer_since
        FROM read_csv('{raw}/ravenstack_accounts.csv')) TO '{out}/accounts.csv'""")
    con.execute(f"""COPY (
        WITH months AS (SELECT CAST(unnest(generate_series(DATE '2023-01-01', DATE '2024-12-01', INTERVAL 1 MONTH)) AS DATE) AS month)
        SELECT s.account_id, m.month, sum(s.arr_amount) AS arr, sum(s.seats) AS seats
        FROM read_csv('{raw}/ravenstack_subscriptions.csv') s
        JOIN months m ON date_trunc('month', s.start_date) <= m.month AND (s.end_date IS NULL OR s.end_date > m.month)
        GROUP BY ALL) TO '{out}/arr_monthly.csv'""")
    priority = ("CASE priority WHEN 'urgent' THEN 'P0' WHEN 'high' THEN 'P1' WHEN 'medium' THEN 'P2' ELSE 'P3' END"
                if map_priorities else "priority")
    con.execute(f"""COPY (SELECT ticket_id, account_id, submitted_at AS opened_at, closed_at AS resolved_at,
            {priority} AS priority, escalation_flag AS escalated, satisfaction_score AS csat
        FROM read_csv('{raw}/ravenstack_support_tickets.csv')) TO '{out}/tickets.csv'""")
    con.close()
    return out


def _mk(folder: Path) -> Path:
    folder.mkdir()
    return folder


def test_ravenstack_priorities_are_read_as_their_known_spellings(tmp_path):
    # RavenStack writes urgent / high / medium / low (Zendesk and Jira words): read as P0 / P1 / P2 / P3,
    # exactly as the hand-mapped copy.
    raw = open_dataset(ravenstack_folder(_mk(tmp_path / "raw"), map_priorities=False))
    mapped = open_dataset(ravenstack_folder(_mk(tmp_path / "mapped"), map_priorities=True))
    assert errors_only(validate_dataset(raw, TODAY)) == []
    query = "SELECT priority, count(*) FROM tickets GROUP BY ALL ORDER BY ALL"
    assert raw.rows(query) == mapped.rows(query)
    assert {p for p, _ in raw.rows(query)} == {"P0", "P1", "P2", "P3"}


def test_ravenstack_loads_after_mapping_and_its_disagreements_in_time_are_reported(tmp_path):
    folder = ravenstack_folder(tmp_path, map_priorities=True)
    ds = open_dataset(folder)
    problems = validate_dataset(ds, TODAY)
    assert errors_only(problems) == []
    # SOURCE.md: 54% of tickets predate the account's signup; we warn, naming the column.
    before = [p for p in problems if p.table == "tickets" and p.column == "opened_at"]
    assert before and before[0].severity == "warning" and before[0].rows > 500
    as_of = check_source(folder, TODAY).default_as_of
    assert as_of == date(2024, 12, 31)
    scores = score_dates(ds, load_model(MODEL), [as_of]).frame
    # SOURCE.md: every one of the 500 accounts still has a paid subscription active on 2024-12-31.
    assert len(scores) == 500
    # No usage, NPS, contacts, activities or invoices were supplied: those metrics re-weight, coverage < 1.
    assert (scores["coverage"] < 1).all() and scores["metric_score_active_user_ratio"].isna().all()
    # At best (SMB / Mid-Market, total weight 105): support 20 + growth 20 * 3/5 (ARR and seat trends) + tenure
    # 5 * 0.5/3.5 (no renewal dates or invoices) = (20 + 12 + 5/7) / 105 = 0.3116, just above min_coverage 0.3.
    # So an account is scored only with (nearly) all of that; the others are "No data", never a number.
    assert scores["coverage"].max() <= (20 + 12 + 5 / 7) / 105 + 1e-9
    scored = scores["coverage"] >= 0.3
    assert scores.loc[scored, "health_score"].between(0, 100).all()
    assert scores.loc[~scored, "health_score"].isna().all() and (scores.loc[~scored, "tier"] == "No data").all()


def test_ravenstack_kpis_show_no_logo_churn_as_its_source_says(tmp_path, capsys):
    folder = ravenstack_folder(tmp_path, map_priorities=True)
    assert main(["kpis", "--data", str(folder), "--model", str(MODEL)]) == 0
    out = json.loads(capsys.readouterr().out)
    # Churn never ends an account's revenue in RavenStack (SOURCE.md), so no cohort account churns.
    assert out["retention"]["churned_accounts"] == 0 and out["retention"]["logo_retention"] == 1.0
    assert out["retention_previous"]["cohort_accounts"] == 0  # data starts 2023-01: no cohort a year before


def dbt_folder(tmp_path: Path) -> Path:
    raw = need("dbt-mrr-playbook", "subscription_periods.csv")
    periods = pd.read_csv(raw, parse_dates=["start_date", "end_date"])
    rows = []
    for p in periods.itertuples():
        for month in pd.date_range(p.start_date, p.end_date, freq="MS", inclusive="left"):
            rows.append((str(p.customer_id), month.date(), 12.0 * p.monthly_amount))
    arr = pd.DataFrame(rows, columns=["account_id", "month", "arr"]).groupby(["account_id", "month"], as_index=False).sum()
    out = tmp_path / "dbt"
    out.mkdir()
    arr.to_csv(out / "arr_monthly.csv", index=False)
    ids = sorted(arr["account_id"].unique(), key=int)
    pd.DataFrame({"account_id": ids, "account_name": [f"Customer {i}" for i in ids], "segment": "SMB",
                  "licensed_seats": 10}).to_csv(out / "accounts.csv", index=False)
    return out, arr


def test_dbt_partial_last_month_is_skipped_and_grr_matches_a_direct_computation(tmp_path, capsys):
    folder, arr = dbt_folder(tmp_path)
    assert main(["kpis", "--data", str(folder), "--model", str(MODEL)]) == 0
    captured = capsys.readouterr()
    assert "2020-01" in captured.err and "2019-12" in captured.err  # the partial month is called out
    out = json.loads(captured.out)
    assert out["period"]["end"] == "2019-12-01" and out["period"]["start"] == "2018-12-01"
    # Second method: straight from the periods, ARR per customer in Dec 2018 and Dec 2019.
    wide = arr.pivot_table(index="account_id", columns="month", values="arr", aggfunc="sum", fill_value=0.0)
    s, e = wide.get(date(2018, 12, 1), 0.0), wide.get(date(2019, 12, 1), 0.0)
    cohort = s > 0
    assert out["retention"]["grr"] == pytest.approx((pd.concat([s, e], axis=1).min(axis=1)[cohort]).sum() / s[cohort].sum())
    assert out["retention"]["nrr"] == pytest.approx(e[cohort].sum() / s[cohort].sum())
    assert out["retention"]["new"] == pytest.approx(e[~cohort].sum())


@pytest.mark.parametrize("folder", ["ibm-telco-churn", "pysurvival-saas-churn"])
def test_snapshot_only_sets_are_refused_with_what_to_provide(folder, capsys):
    path = need(folder)
    assert main(["validate", "--data", str(path)]) == 2
    out = capsys.readouterr().out
    # One row per customer with a churn label, no monthly ARR: the contract's two required tables are missing.
    assert "ERROR accounts: required table is missing" in out
    assert "ERROR arr_monthly: required table is missing" in out and "arr_monthly.csv" in out
