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
    account_ids = f["account_id"].to_numpy(dtype=object)
    as_ofs = f["as_of"].to_numpy() if "as_of" in f else None
    scored = ~np.isnan(f["health_score"].to_numpy())
    # Parts are collected as arrays and joined once: one DataFrame per part made explaining one account slow.
    parts: list[tuple[np.ndarray, str, object, str, str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def part(mask, kind, component, name, label, raw, mscore, share, points):
        if mask.any():
            parts.append((mask, kind, component, name, label, raw[mask], mscore[mask], share[mask],
                          np.where(scored, points, np.nan)[mask]))

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
    sizes = [int(p[0].sum()) for p in parts]

    def repeated(i: int) -> np.ndarray:
        return np.repeat(np.array([p[i] for p in parts], dtype=object), sizes)

    return pd.DataFrame({
        "account_id": np.concatenate([account_ids[p[0]] for p in parts]),
        "as_of": np.concatenate([as_ofs[p[0]] for p in parts]) if as_ofs is not None else None,
        "kind": repeated(1), "component": repeated(2), "name": repeated(3), "label": repeated(4),
        "raw_value": np.concatenate([p[5] for p in parts]).astype(float),
        "metric_score": np.concatenate([p[6] for p in parts]).astype(float),
        "weight_share": np.concatenate([p[7] for p in parts]).astype(float),
        "points": np.concatenate([p[8] for p in parts]).astype(float),
    })
