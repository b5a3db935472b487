"""Why a score is what it is: per-account contributions whose points sum exactly to health_score."""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("account_id", "as_of", "kind", "component", "name", "label", "raw_value", "metric_score",
           "weight_share", "points")


def contributions(scores, pos: np.ndarray) -> pd.DataFrame:
    """Long frame for the rows at positions `pos` of scores.frame.

    Columns: account_id, as_of, kind (metric | flag | cap), component, name, label, raw_value,
    metric_score, weight_share, points.
    metric points = weight_share x metric_score (weight_share already holds the re-weighting
    for missing data; a missing metric is listed with 0 points); flag points = -penalty;
    cap points = what the lowest cap took off, and a "floor" row gives back what clamping at 0
    added, so the points of an account sum exactly to its health_score (NaN when unscored).
    """
    f = scores.frame.iloc[pos]
    model = scores.model
    ids = {"account_id": f["account_id"].to_numpy(), "as_of": f["as_of"].to_numpy() if "as_of" in f else None}
    scored = ~np.isnan(f["health_score"].to_numpy())
    parts = []

    def part(mask, kind, component, name, label, raw, mscore, share, points):
        if mask.any():
            parts.append(pd.DataFrame({
                "account_id": ids["account_id"][mask],
                "as_of": ids["as_of"][mask] if ids["as_of"] is not None else None,
                "kind": kind, "component": component, "name": name, "label": label,
                "raw_value": raw[mask], "metric_score": mscore[mask], "weight_share": share[mask],
                "points": np.where(scored, points, np.nan)[mask],
            }))

    all_rows = np.ones(len(pos), dtype=bool)
    nan = np.full(len(pos), np.nan)
    for c in model.components:
        for m in c.metrics:
            share = np.nan_to_num(scores.weight_shares[m.name].to_numpy()[pos], nan=0.0)
            ms = f[f"metric_score_{m.name}"].to_numpy()
            part(all_rows, "metric", c.name, m.name, m.name, scores.raw[m.name].to_numpy()[pos], ms, share,
                 np.where(share > 0, share * np.nan_to_num(ms), 0.0))
    for fl in model.flags:
        hit = f[f"flag_{fl.name}"].to_numpy()
        part(hit, "flag", None, fl.name, fl.label, nan, nan, nan, np.full(len(pos), -fl.penalty))
    base, pen = f["base_score"].to_numpy(), f["penalty_points"].to_numpy()
    after_penalty = np.clip(base - pen, 0.0, 100.0)
    floor = after_penalty - (base - pen)
    part(scored & (floor > 0), "cap", None, "floor", "Score cannot go below 0", nan, nan, nan, floor)
    cut = f["health_score"].to_numpy() - after_penalty
    part(scored & (cut < 0), "cap", None, "cap", "Capped by a risk flag", nan, nan, nan, cut)
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(parts, ignore_index=True)
