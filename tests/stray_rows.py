"""A book whose checked source leaves rows out: tests/messy.py's full book (all valid) plus, by hand, 2 usage_events
rows for account "GHOST" (2 of 22 = 9 %, under the 20 % error share) and 1 arr_monthly row for "ZZ-9" (1 of 81)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.fixtures import write_csv_folder
from tests.messy import full_book

EXPECTED = {"usage_events": 2, "arr_monthly": 1}


def stray_rows_folder(folder: Path) -> Path:
    book = full_book()
    usage = book["usage_events"]
    valid = pd.concat([usage] * 6 + [usage.head(2)], ignore_index=True)  # 20 valid rows
    book["usage_events"] = pd.concat([valid, usage.head(2).assign(account_id="GHOST")], ignore_index=True)
    arr = book["arr_monthly"]
    book["arr_monthly"] = pd.concat([arr, arr.head(1).assign(account_id="ZZ-9")], ignore_index=True)
    return write_csv_folder(book, folder)
