"""Formatting numbers for people: money, percentages, counts, points. Pure functions (no streamlit).

One rule each, used by every card, chart label, caption and table on every page:
- money: three significant figures with k / M / B ($806k, $22.2M, $1.23M), whole dollars below $1,000;
  tables show whole dollars with separators ($1,234,567) via MONEY_COLUMN.
- percent: one decimal (17.5%); tables hold the fraction x 100 shown with PCT_COLUMN (see percent_columns).
- counts: thousands separators (1,712 accounts).
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

MONEY_COLUMN = "$%,.0f"  # st.column_config.NumberColumn format for whole dollars
PCT_COLUMN = "%.1f%%"  # for a column holding percent values (fraction x 100)
PCT_DECIMALS = 1


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None) -> str:
    """$1.23M, $456k, $22.2M, $950: three significant figures; a dash for missing values."""
    if _missing(value):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        scaled = v / limit
        if round(scaled, 2) >= 1 or (suffix == "k" and round(v) >= 1000):
            digits = max(0, 2 - int(math.floor(math.log10(max(scaled, 1.0)))))
            shown = round(scaled, digits)
            if shown >= 1000 and suffix != "B":  # 999,950 rounds to 1000k: say $1.00M instead
                continue
            return f"{sign}${shown:,.{digits}f}{suffix}"
    return f"{sign}${v:,.0f}"


def money_full(value: float | None) -> str:
    """$1,234,567 for tables and downloads."""
    return "—" if _missing(value) else f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def pct(value: float | None, decimals: int = PCT_DECIMALS) -> str:
    """A fraction as a percentage: 0.912 -> 91.2%."""
    return "—" if _missing(value) else f"{value * 100:.{decimals}f}%"


def pct_points(delta: float | None, decimals: int = PCT_DECIMALS) -> str | None:
    """A change between two fractions in percentage points, signed: +1.3 pp."""
    if _missing(delta):
        return None
    shown = round(delta * 100, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0, so no "-0.0 pp"
    return f"{shown:+.{decimals}f} pp"


def count(n: int | float | None, noun: str | None = None) -> str:
    """1,712 or '1,712 accounts' (singular for one)."""
    if _missing(n):
        return "—"
    text = f"{int(n):,}"
    if noun is None:
        return text
    return f"{text} {noun if int(n) == 1 else noun + 's'}"


def score(value: float | None) -> str:
    return "—" if _missing(value) else f"{value:.1f}"


def signed_money(delta: float | None) -> str | None:
    return None if _missing(delta) else ("+" if delta >= 0 else "-") + money(abs(delta))


def percent_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with fraction columns as percent values, to show with PCT_COLUMN (17.5%, like every card)."""
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce") * 100
    return out
