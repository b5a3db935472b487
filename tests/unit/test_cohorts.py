"""Retention by cohort on a hand-made book whose every cell is worked out in the comments.

History Jan-Jun 2025 (m0 = the account's start month); end month June 2025.

| account | segment    | customer_since | ARR                                                   |
|---------|------------|----------------|-------------------------------------------------------|
| A       | SMB        | 2025-01-10     | 100 every month                                       |
| B       | SMB        | 2025-01-20     | 200 Jan-Feb, 0 in Mar, no row in Apr, 200 May, 300 Jun |
| C       | Enterprise | (none)         | 100 Feb-Jun (start falls back to Feb)                 |
| D       | SMB        | 2025-05-03     | 50 May-Jun (a young cohort)                           |
| E       | SMB        | 2024-06-01     | 500 every month (started before the history: out)     |
| F       | Enterprise | (none)         | 500 every month (first ARR = first month: out)        |
"""
from __future__ import annotations

import io
import math
from datetime import date

import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.kpis.cohorts import arr_bands, available_groupings, cell_accounts, cohort_table, triangle_frame
from tests.fixtures import write_csv_folder

MONTHS = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
ARR = {
    "A": [100] * 6,
    "B": [200, 200, 0, None, 200, 300],
    "C": [None, 100, 100, 100, 100, 100],
    "D": [None, None, None, None, 50, 50],
    "E": [500] * 6,
    "F": [500] * 6,
}


def book() -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts = pd.DataFrame({
        "account_id": list("ABCDEF"),
        "account_name": [f"Account {a}" for a in "ABCDEF"],
        "segment": ["SMB", "SMB", "Enterprise", "SMB", "SMB", "Enterprise"],
        "industry": ["Retail", None, "Software", "Retail", "Retail", "Software"],
        "licensed_seats": [5] * 6,
        "customer_since": ["2025-01-10", "2025-01-20", None, "2025-05-03", "2024-06-01", None],
    })
    rows = [(a, m.date(), v) for a, values in ARR.items() for m, v in zip(MONTHS, values) if v is not None]
    return accounts, pd.DataFrame(rows, columns=["account_id", "month", "arr"])


def cell(frame: pd.DataFrame, row: str, age: int) -> float:
    return float(frame.loc[row, age])


def test_start_month_triangle_by_hand():
    accounts, arr = book()
    t = cohort_table(accounts, arr, "start_month", date(2025, 6, 1))
    assert list(t.sizes.index) == ["2025-01", "2025-02", "2025-05"]
    assert t.sizes.to_dict() == {"2025-01": 2, "2025-02": 1, "2025-05": 1}
    assert t.start_arr.to_dict() == {"2025-01": 300.0, "2025-02": 100.0, "2025-05": 50.0}
    assert t.left_out["started before the ARR history"] == 2  # E (customer_since 2024) and F (no date, first month)
    logo, nrr = t.logo, t.nrr
    # Jan cohort: A pays throughout; B stops in Mar (row with 0) and Apr (no row), pays again from May.
    assert [cell(logo, "2025-01", k) for k in range(6)] == [1.0, 1.0, 0.5, 0.5, 1.0, 1.0]
    # NRR: (A + B) / 300: Mar and Apr only A's 100; Jun 100 + 300 = 400.
    assert [cell(nrr, "2025-01", k) for k in range(6)] == pytest.approx([1, 1, 1 / 3, 1 / 3, 1, 4 / 3])
    # C starts in Feb: five months reached (Feb-Jun), the sixth is empty, not 0.
    assert [cell(logo, "2025-02", k) for k in range(5)] == [1.0] * 5
    assert math.isnan(cell(logo, "2025-02", 5)) and math.isnan(cell(nrr, "2025-02", 5))
    # The young May cohort fills m0 and m1 only.
    assert [cell(logo, "2025-05", k) for k in (0, 1)] == [1.0, 1.0]
    assert all(math.isnan(cell(logo, "2025-05", k)) for k in range(2, 6))
    assert t.observed.loc["2025-05"].tolist() == [1, 1, 0, 0, 0, 0]


def test_quarter_cohort_waits_until_every_account_reached_the_cell():
    accounts, arr = book()
    t = cohort_table(accounts, arr, "start_quarter", date(2025, 6, 1))
    assert t.sizes.to_dict() == {"2025 Q1": 3, "2025 Q2": 1}  # A, B, C (C from Feb) | D
    # m2: A (Mar) pays, B (Mar) does not, C (Apr) pays -> 2/3; ARR (100 + 0 + 100) / 400.
    assert cell(t.logo, "2025 Q1", 2) == pytest.approx(2 / 3)
    assert cell(t.nrr, "2025 Q1", 2) == pytest.approx(0.5)
    # m4: A May 100, B May 200, C Jun 100 -> everyone pays, NRR 400 / 400.
    assert cell(t.logo, "2025 Q1", 4) == 1.0 and cell(t.nrr, "2025 Q1", 4) == 1.0
    # m5: A and B reach June but C (start Feb) does not: the cell stays empty.
    assert math.isnan(cell(t.logo, "2025 Q1", 5))


def test_group_cells_count_the_accounts_old_enough():
    accounts, arr = book()
    t = cohort_table(accounts, arr, "segment", date(2025, 6, 1))
    assert list(t.sizes.index) == ["SMB", "Enterprise"]
    # SMB = A, B, D. m0: all three pay. m2: D (two months old) is not observed; of A and B only A pays.
    assert t.observed.loc["SMB"].tolist() == [3, 3, 2, 2, 2, 2]
    assert cell(t.logo, "SMB", 0) == 1.0 and cell(t.logo, "SMB", 2) == 0.5
    assert cell(t.nrr, "SMB", 1) == pytest.approx((100 + 200 + 50) / 350)
    by_industry = cohort_table(accounts, arr, "industry", date(2025, 6, 1))
    assert by_industry.sizes.to_dict() == {"Retail": 2, "Software": 1, "Unknown": 1}  # B has no industry


def test_arr_bands_from_settings(monkeypatch):
    monkeypatch.setenv("CHS_ARR_BANDS", "150")
    accounts, arr = book()
    t = cohort_table(accounts, arr, "arr_band", date(2025, 6, 1))
    # Starting ARR: A 100, B 200, C 100, D 50.
    assert t.sizes.to_dict() == {"under $150": 3, "$150 and above": 1}
    assert [label for _, _, label in arr_bands("10000,50000")] == ["under $10,000", "$10,000 to $50,000",
                                                                   "$50,000 and above"]
    with pytest.raises(ValueError, match="ascending"):
        arr_bands("5000,1000")


def test_cell_accounts_show_who_is_behind_a_cell():
    accounts, arr = book()
    t = cohort_table(accounts, arr, "start_month", date(2025, 6, 1))
    march = cell_accounts(t, "2025-01", 2).set_index("account_id")
    assert march.loc["A", "status"] == "flat" and march.loc["B", "status"] == "churned"
    june = cell_accounts(t, "2025-01", 5).set_index("account_id")
    assert june.loc["B", "status"] == "expanded" and bool(june.loc["B", "reactivated"])  # back after Mar-Apr
    assert not bool(june.loc["A", "reactivated"])
    assert june.loc["B", "month"] == date(2025, 6, 1) and june.loc["B", "arr"] == 300
    assert cell_accounts(t, "2025-05", 3).empty  # an empty cell has no accounts behind it


def test_channel_needs_the_optional_column():
    accounts, arr = book()
    assert "acquisition_channel" not in available_groupings(accounts)
    with pytest.raises(ValueError, match="acquisition_channel"):
        cohort_table(accounts, arr, "acquisition_channel")
    accounts["acquisition_channel"] = ["Partner", "Inbound", "Inbound", None, "Inbound", "Partner"]
    t = cohort_table(accounts, arr, "acquisition_channel", date(2025, 6, 1))
    assert t.sizes.to_dict() == {"Inbound": 2, "Partner": 1, "Unknown": 1}


def test_filters_restrict_the_cohorts():
    accounts, arr = book()
    t = cohort_table(accounts, arr, "start_month", date(2025, 6, 1), account_ids=["B", "D"])
    assert t.sizes.to_dict() == {"2025-01": 1, "2025-05": 1}
    assert cell(t.logo, "2025-01", 3) == 0.0  # B alone, not paying in April: a real 0, not an empty cell


def test_cli_prints_the_triangle_as_csv(tmp_path, capsys):
    accounts, arr = book()
    folder = write_csv_folder({"accounts": accounts, "arr_monthly": arr}, tmp_path / "book")
    assert main(["cohorts", "--data", str(folder), "--by", "start_month", "--metric", "nrr"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("cohort")
    assert list(out.columns[:2]) == ["accounts", "start_arr"]
    assert out.loc["2025-01", "m2"] == pytest.approx(0.3333, abs=1e-4)
    assert math.isnan(out.loc["2025-05", "m2"])  # written as an empty field
    assert main(["cohorts", "--data", str(folder), "--by", "acquisition_channel"]) == 2
    assert "acquisition_channel" in capsys.readouterr().err


def test_triangle_frame_is_flat():
    accounts, arr = book()
    frame = triangle_frame(cohort_table(accounts, arr, "start_month", date(2025, 6, 1)), "logo")
    assert frame.columns.tolist() == ["cohort", "accounts", "start_arr", "m0", "m1", "m2", "m3", "m4", "m5"]
