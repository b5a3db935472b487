"""Thin data for tests: dbt Labs' MRR playbook sample converted to the contract (accounts and arr_monthly only).

A subscription counts in month m when start_date <= m < end_date; ARR = 12 x monthly_amount, summed per
customer and month. Every customer becomes an SMB account with 10 seats. The sample stops early in January 2020,
so its last month is partial (4 paying customers against 28 in December 2019).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

DBT_MRR = Path(__file__).resolve().parents[2] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


def dbt_mrr_contract(folder: Path) -> pd.DataFrame:
    """Write accounts.csv and arr_monthly.csv into `folder`; return the arr_monthly frame written."""
    periods = pd.read_csv(DBT_MRR, parse_dates=["start_date", "end_date"])
    rows = [(str(p.customer_id), month.date(), 12.0 * p.monthly_amount) for p in periods.itertuples()
            for month in pd.date_range(p.start_date, p.end_date, freq="MS", inclusive="left")]
    arr = pd.DataFrame(rows, columns=["account_id", "month", "arr"]).groupby(["account_id", "month"], as_index=False).sum()
    folder.mkdir(parents=True, exist_ok=True)
    arr.to_csv(folder / "arr_monthly.csv", index=False)
    ids = sorted(arr["account_id"].unique(), key=int)
    pd.DataFrame({"account_id": ids, "account_name": [f"Customer {i}" for i in ids], "segment": "SMB",
                  "licensed_seats": 10}).to_csv(folder / "accounts.csv", index=False)
    return arr
