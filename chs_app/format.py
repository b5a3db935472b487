"""Formatting numbers for people: money, percentages, points. Pure functions (no streamlit)."""
from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, decimals: int | None = None) -> str:
    """$1.23M, $456.7k, $950; a dash for missing values."""
    if _missing(value):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            d = 2 if decimals is None and suffix != "k" else (1 if decimals is None else decimals)
            return f"{sign}${v / limit:,.{d}f}{suffix}"
    return f"{sign}${v:,.0f}"


def money_full(value: float | None) -> str:
    """$1,234,567 for tables and downloads."""
    return "—" if _missing(value) else f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def pct(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.912 -> 91.2%."""
    return "—" if _missing(value) else f"{value * 100:.{decimals}f}%"


def pct_points(delta: float | None, decimals: int = 1) -> str | None:
    """A change between two fractions in percentage points, signed: +1.3 pp."""
    if _missing(delta):
        return None
    shown = round(delta * 100, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0, so no "-0.0 pp"
    return f"{shown:+.{decimals}f} pp"


def score(value: float | None) -> str:
    return "—" if _missing(value) else f"{value:.1f}"


def signed_money(delta: float | None) -> str | None:
    return None if _missing(delta) else ("+" if delta >= 0 else "-") + money(abs(delta))
