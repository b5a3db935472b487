"""Bring-your-own-data routes on real exports from ../shared/external (never copied into the repo).

The dbt MRR playbook's subscription periods, renamed only or through a mapping file: the issue's figures for the
12 months to 2019-12 (GRR 58.1 %, NRR 70.1 %, logo retention 58.3 %), worked out by dbt's own rule
(start_date <= month < end_date, summed per customer), with the partial 2020-01 detected.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.pipeline import check_source

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "external"
MODEL = Path(__file__).resolve().parents[2] / "model.yaml"
DBT_MAPPING = """tables:
  subscriptions:
    file: subscription_periods.csv
    columns: {account_id: customer_id, mrr: monthly_amount}
"""


def need(*parts: str) -> Path:
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


def assert_dbt_figures(argv: list[str], capsys) -> None:
    assert main(["kpis", *argv, "--model", str(MODEL)]) == 0
    captured = capsys.readouterr()
    assert "2020-01" in captured.err and "looks incomplete" in captured.err  # the partial month is detected
    out = json.loads(captured.out)
    assert (out["period"]["start"], out["period"]["end"]) == ("2018-12-01", "2019-12-01")
    retention = out["retention"]
    assert round(retention["grr"], 3) == 0.581 and round(retention["nrr"], 3) == 0.701
    assert round(retention["logo_retention"], 3) == 0.583  # 7 of 12 customers paying in Dec 2018


def test_dbt_periods_with_only_the_columns_renamed_as_a_single_file(tmp_path, capsys):
    periods = pd.read_csv(need("dbt-mrr-playbook", "subscription_periods.csv"))
    path = tmp_path / "subscription_periods.csv"
    periods.rename(columns={"customer_id": "account_id", "monthly_amount": "mrr"}).to_csv(path, index=False)
    assert_dbt_figures(["--data", str(path)], capsys)


def test_dbt_periods_through_a_mapping_file_with_no_change_to_the_export(tmp_path, capsys):
    folder = need("dbt-mrr-playbook")
    (tmp_path / "chs.yaml").write_text(DBT_MAPPING)
    assert_dbt_figures(["--data", str(folder), "--mapping", str(tmp_path / "chs.yaml")], capsys)


def test_dbt_periods_as_given_say_which_columns_to_rename(capsys):
    path = need("dbt-mrr-playbook", "subscription_periods.csv")
    assert main(["validate", "--data", str(path)]) == 2
    out = capsys.readouterr().out
    assert "ERROR subscriptions.account_id: required column is missing" in out
    assert "monthly_amount -> mrr" in out


def test_periods_mistaken_for_snapshots_get_a_warning_naming_the_pattern(tmp_path):
    # The naive conversion: start_date taken as the month, one row per period (GRR 37.5 % instead of 58.1 %).
    periods = pd.read_csv(need("dbt-mrr-playbook", "subscription_periods.csv"))
    pd.DataFrame({"account_id": periods["customer_id"], "month": periods["start_date"],
                  "arr": 12 * periods["monthly_amount"]}).to_csv(tmp_path / "arr_monthly.csv", index=False)
    ids = sorted(periods["customer_id"].unique())
    pd.DataFrame({"account_id": ids, "account_name": ids, "segment": "SMB", "licensed_seats": 1}).to_csv(
        tmp_path / "accounts.csv", index=False)
    warning = [p for p in check_source(tmp_path).warnings if p.table == "arr_monthly"]
    assert len(warning) == 1 and "periods" in warning[0].message and "snapshots" in warning[0].message
    assert "subscriptions" in warning[0].fix
