"""CSV downloads that are safe to open in a spreadsheet (the rule lives in chs_core.export, shared with the CLI)."""
from __future__ import annotations

import pandas as pd

from chs_core.export import FORMULA_PREFIXES, safe_csv

__all__ = ["FORMULA_PREFIXES", "csv_bytes"]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of the frame; text cells that a spreadsheet would run as formulas are prefixed with '."""
    return safe_csv(frame).encode("utf-8")
