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


def drop_reasons(fired: pd.DataFrame, before: pd.DataFrame, model: Model) -> pd.Series:
    """One reason per fired row (index aligned with `fired`).

    fired: score_drops rows (account_id, flags, component_score_<c>, ...) at the alert date;
    before: scored rows of the same accounts at the window start (account_id, flags, component_score_<c>).
    """
    if fired.empty:
        return pd.Series([], dtype=object, index=fired.index)
    total = sum(c.weight for c in model.components) or 1.0
    prior = before.drop_duplicates("account_id").set_index("account_id")
    reasons = []
    for _, row in fired.iterrows():
        old = prior.loc[row["account_id"]] if row["account_id"] in prior.index else None
        new_flags = sorted(_flags(row.get("flags")) - (_flags(old.get("flags")) if old is not None else set()))
        if new_flags:
            reasons.append(", ".join(new_flags) + " (new flag)")
            continue
        falls = []
        for c in model.components:
            column = f"component_score_{c.name}"
            if old is None or column not in row or pd.isna(row[column]) or pd.isna(old.get(column)):
                continue
            falls.append(((old[column] - row[column]) * c.weight / total, c.name, old[column], row[column]))
        if not falls or max(falls)[0] <= 0:
            reasons.append("several small falls")
            continue
        points, name, was, now = max(falls)
        reasons.append(f"{COMPONENT_WORDS.get(name, name.capitalize())} {was:.0f} → {now:.0f} (−{points:.0f} pts)")
    return pd.Series(reasons, index=fired.index, dtype=object)
