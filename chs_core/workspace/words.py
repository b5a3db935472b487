"""Metrics and rules in a CSM's words: labels, values with their unit, a rule as a sentence, points that add up.

Pure functions, shared by the queue, the account page and the CLI so they say the same thing.
"""
from __future__ import annotations

import math

import numpy as np

from chs_core.model.schema import Normalisation

# metric -> (label, value format). Formats: pct (0.18 -> 18%), signed_pct (-0.3 -> -30%), num, days, hours,
# per_seat, yes_no, nps, months, stars (CSAT 1-5).
METRIC_WORDS: dict[str, tuple[str, str]] = {
    "active_user_ratio": ("Active users", "pct"),
    "feature_breadth": ("Feature breadth", "pct"),
    "key_feature_adoption": ("Key-feature adoption", "pct"),
    "usage_depth": ("Events per active user", "num"),
    "usage_trend": ("Usage trend (28 d)", "signed_pct"),
    "exec_sponsor_active": ("Exec sponsor active", "yes_no"),
    "nps": ("NPS", "nps"),
    "meetings_90d": ("Meetings (90 d)", "num"),
    "trainings_180d": ("Trainings (180 d)", "num"),
    "arr_trend": ("ARR trend (3 mo)", "signed_pct"),
    "seat_trend": ("Seat trend (3 mo)", "signed_pct"),
    "tickets_per_seat_90d": ("Tickets per seat (90 d)", "per_seat"),
    "urgent_tickets_90d": ("Urgent tickets (90 d)", "num"),
    "escalations_90d": ("Escalations (90 d)", "num"),
    "resolution_hours_90d": ("Resolution time", "hours"),
    "csat_180d": ("Support CSAT", "stars"),
    "days_past_due": ("Days past due", "days"),
    "days_to_renewal": ("Days to renewal", "days"),
    "tenure_months": ("Tenure", "months"),
}
SEVERITY_ORDER = ("critical", "very_high", "high", "medium", "low")


def metric_label(name: str) -> str:
    return METRIC_WORDS.get(name, (name.replace("_", " ").capitalize(), "num"))[0]


def value_text(name: str, value: float | None) -> str:
    """A raw metric value with its unit: 0.18 -> '18%', -0.3 -> '-30%', 12 -> '12 days'; 'no data' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    kind = METRIC_WORDS.get(name, ("", "num"))[1]
    v = float(value)
    if kind == "pct":
        return f"{v * 100:.0f}%"
    if kind == "signed_pct":
        return f"{v * 100:+.0f}%"
    if kind == "yes_no":
        return "yes" if v >= 0.5 else "no"
    if kind == "days":
        return f"{v:.0f} days"
    if kind == "hours":
        return f"{v:.0f} h"
    if kind == "months":
        return f"{v:.0f} months"
    if kind == "per_seat":
        return f"{v:.2f} per seat"
    if kind == "stars":
        return f"{v:.1f} / 5"
    if kind == "nps":
        return f"{v:+.0f}"
    return f"{v:.1f}".removesuffix(".0")


def rule_text(name: str, norm: Normalisation) -> str:
    """The normalisation in words: '10% -> 0 pts, 70% -> 100 pts, higher is better'."""
    def v(x: float) -> str:
        return value_text(name, x)

    if norm.direction == "band":
        return (f"100 pts from {v(norm.band_low)} to {v(norm.band_high)}, 0 pts at {v(norm.bad_below)} "
                f"and at {v(norm.bad_above)} (too few and too many are both bad)")
    better = "higher" if norm.direction == "higher_better" else "lower"
    return f"{v(norm.bad)} -> 0 pts, {v(norm.good)} -> 100 pts, {better} is better"


def rounded_to_total(points: np.ndarray, decimals: int = 1) -> np.ndarray:
    """Round each term to `decimals` so the rounded terms add up to the rounded total (largest remainder).

    A waterfall shown with one decimal must still land on the score shown with one decimal.
    """
    x = np.asarray(points, dtype=float)
    if len(x) == 0 or np.isnan(x).any():
        return np.round(x, decimals)
    scale = 10 ** decimals
    target = int(round(x.sum() * scale))
    scaled = x * scale
    low = np.floor(scaled)
    remainder = scaled - low
    short = target - int(low.sum())
    order = np.argsort(-remainder, kind="stable")
    out = low.copy()
    if short > 0:
        out[order[:short]] += 1
    elif short < 0:
        out[order[::-1][:-short]] -= 1
    return out / scale
