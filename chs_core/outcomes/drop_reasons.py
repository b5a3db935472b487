"""The main reason behind a score-drop alert, in words a CS leader can read in a table row.

A flag that fired inside the alert window comes first (a new risk is the news); otherwise the component
whose weighted points fell most: (component score before - now) x the component's share of the model's
weight. Approximate where a segment or stage override re-weights components (the base weights are used);
the account page's explain_change gives the exact split.
"""
from __future__ import annotations

import pandas as pd

from chs_core.model import Model

COMPONENT_WORDS = {"usage": "Product usage", "engagement": "Engagement", "growth": "Growth", "support": "Support",
                   "financial": "Financial"}


def _flags(text) -> set[str]:
    if not isinstance(text, str):  # no flags: empty, None or NaN (an account not scored at the window start)
        return set()
    return {f.strip() for f in text.split(",") if f.strip()}


def _values(frame: pd.DataFrame, column: str) -> list | None:
    return frame[column].tolist() if column in frame.columns else None


def drop_reasons(fired: pd.DataFrame, before: pd.DataFrame, model: Model) -> pd.Series:
    """One reason per fired row (index aligned with `fired`).

    fired: score_drops rows (account_id, flags, component_score_<c>, ...) at the alert date;
    before: scored rows of the same accounts at the window start (account_id, flags, component_score_<c>).
    Columns are read once as lists (not row by row): thousands of alerts at 100k accounts take milliseconds.
    """
    if fired.empty:
        return pd.Series([], dtype=object, index=fired.index)
    total = sum(c.weight for c in model.components) or 1.0
    prior = before.drop_duplicates("account_id").set_index("account_id")
    at = prior.index.get_indexer(fired["account_id"])  # -1: the account has no row at the window start
    rows_before = prior.reset_index()  # positions as in prior.index
    flags_now, flags_before = _values(fired, "flags"), _values(rows_before, "flags")
    columns = [(c, f"component_score_{c.name}") for c in model.components]
    now = {column: _values(fired, column) for _, column in columns}
    was = {column: _values(rows_before, column) for _, column in columns}
    reasons = []
    for i, j in enumerate(at):
        old_flags = _flags(flags_before[j]) if j >= 0 and flags_before is not None else set()
        new_flags = sorted(_flags(flags_now[i] if flags_now is not None else None) - old_flags)
        if new_flags:
            reasons.append(", ".join(new_flags) + " (new flag)")
            continue
        falls = []
        for c, column in columns:
            if j < 0 or now[column] is None or was[column] is None or pd.isna(now[column][i]) or pd.isna(was[column][j]):
                continue
            old_value, new_value = was[column][j], now[column][i]
            falls.append(((old_value - new_value) * c.weight / total, c.name, old_value, new_value))
        if not falls or max(falls)[0] <= 0:
            reasons.append("several small falls")
            continue
        points, name, before_value, now_value = max(falls)
        reasons.append(f"{COMPONENT_WORDS.get(name, name.capitalize())} {before_value:.0f} → {now_value:.0f} "
                       f"(−{points:.0f} pts)")
    return pd.Series(reasons, index=fired.index, dtype=object)
