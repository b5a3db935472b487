"""Small hand-made data sets shared by the CLI, pipeline and executive tests.

`six_accounts()` is a 15-month book (Jan 2025 - Mar 2026) whose every number is easy to
follow by hand; the tests that use it write the arithmetic in comments. Month index m0 is
2025-01, m12 is 2026-01, m14 is 2026-03.

| account | segment    | ARR by month                                                      |
|---------|------------|-------------------------------------------------------------------|
| A       | SMB        | 1200 m0-m12 (to Jan 2026), then rows with ARR 0 in Feb, Mar 2026   |
| B       | SMB        | 2000 m0-m12, then 1500 (contracted in Feb 2026)                    |
| C       | Enterprise | 3000 m0-m11, 3600 in Jan 2026, 4200 from Feb 2026 (expanded)       |
| D       | Enterprise | 800 every month (flat)                                             |
| E       | SMB        | no rows before Oct 2025, then 600 (new)                            |
| F       | Mid-Market | 500 m0-m13 (to Feb 2026), NO row for Mar 2026 (churned)            |

customer_since: 2023-01-01 for A-D (tenure >= 24 months everywhere in the data), 2025-10-01
for E, 2024-10-01 for F. No seats column, and no optional table: only accounts and arr_monthly.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

MONTHS = [date(2025 + (i // 12), i % 12 + 1, 1) for i in range(15)]  # 2025-01 ... 2026-03

SEGMENTS = {"A": "SMB", "B": "SMB", "C": "Enterprise", "D": "Enterprise", "E": "SMB", "F": "Mid-Market"}
SINCE = {"A": "2023-01-01", "B": "2023-01-01", "C": "2023-01-01", "D": "2023-01-01",
         "E": "2025-10-01", "F": "2024-10-01"}


def _arr_of(account: str, i: int) -> float | None:
    """ARR of an account in month index i (None: no row that month)."""
    if account == "A":
        return 1200.0 if i <= 12 else 0.0
    if account == "B":
        return 2000.0 if i <= 12 else 1500.0
    if account == "C":
        return 3000.0 if i <= 11 else (3600.0 if i == 12 else 4200.0)
    if account == "D":
        return 800.0
    if account == "E":
        return 600.0 if i >= 9 else None
    if account == "F":
        return 500.0 if i <= 13 else None
    raise KeyError(account)


def six_accounts_arr() -> pd.DataFrame:
    """arr_monthly of the six-account book: account_id, month (date), arr. 80 rows."""
    rows = [(a, m, _arr_of(a, i)) for a in SEGMENTS for i, m in enumerate(MONTHS)]
    return pd.DataFrame([r for r in rows if r[2] is not None], columns=["account_id", "month", "arr"])


def six_accounts_accounts() -> pd.DataFrame:
    """accounts of the six-account book (contract columns; optional ones partly filled)."""
    ids = list(SEGMENTS)
    return pd.DataFrame({
        "account_id": ids,
        "account_name": [f"Account {a}" for a in ids],
        "segment": [SEGMENTS[a] for a in ids],
        "region": ["NA", "EMEA", "NA", "APAC", "NA", "EMEA"],
        "csm": ["Ann", "Ann", "Bob", "Bob", "Ann", "Cy"],
        "licensed_seats": [10, 20, 30, 8, 6, 5],
        "customer_since": [SINCE[a] for a in ids],
    })


def six_accounts() -> dict[str, pd.DataFrame]:
    """The six-account book as {table: frame} (accounts and arr_monthly only)."""
    return {"accounts": six_accounts_accounts(), "arr_monthly": six_accounts_arr()}


def write_csv_folder(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    """Write each frame as <folder>/<table>.csv (the layout `--data folder` reads); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder
