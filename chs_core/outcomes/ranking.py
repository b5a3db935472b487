"""How well a score ranks an outcome: AUC (ties count half), its bootstrap interval clustered by account, lift.

Convention: `score` is a health score (higher = healthier) and `y` is True for the bad outcome (churn).
AUC = P(a random account-month without the outcome scores higher than one with it), ties counting 1/2;
0.5 is no better than chance. Rows with a NaN score are left out by the callers.
"""
from __future__ import annotations

import numpy as np

# Bootstrap replicates are evaluated a block at a time so memory stays small on big histories.
_BLOCK = 16


def _tie_groups(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order that sorts score ascending, and the start index of each run of equal scores in that order.

    Every use sums over whole tie groups, so the order inside a group does not matter: the unstable sort
    (several times faster than a stable one on floats) is enough."""
    order = np.argsort(score)
    s = score[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return order, starts


def _auc_from_groups(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """AUC from per-tie-group positive and negative weights (last axis = groups, ascending score)."""
    total_pos, total_neg = pos.sum(axis=-1), neg.sum(axis=-1)
    neg_above = total_neg[..., None] - np.cumsum(neg, axis=-1)  # negatives scoring strictly higher
    wins = (pos * (neg_above + 0.5 * neg)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((total_pos > 0) & (total_neg > 0), wins / (total_pos * total_neg), np.nan)


def auc(score: np.ndarray, y: np.ndarray) -> float | None:
    """AUC of a health score for the outcome y (see the module docstring); None without both classes."""
    return auc_and_lift(score, y)[0]


def auc_and_lift(score: np.ndarray, y: np.ndarray, share: float = 0.1,
                 order: np.ndarray | None = None) -> tuple[float | None, float | None]:
    """auc(score, y) and lift_top_decile(score, y, share) from one sort (the live tuning path needs both).

    order: positions of the rows to judge, sorted by score ascending, when the caller has them already
    (then only those rows count, so a slice of a sorted history needs no second sort).
    """
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=bool)
    if order is None:
        order = np.argsort(score)
    n = len(order)
    s, ys = score[order], y[order].astype(float)
    if n == 0 or not ys.any():
        return None, None
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    pos = np.add.reduceat(ys, starts)
    size = np.diff(np.r_[starts, n]).astype(float)
    ranked = None if ys.all() else float(_auc_from_groups(pos, size - pos))
    return ranked, _lift(pos, size, n, share)


def _count_blocks(k: int, samples: int, seed: int):
    """Bootstrap draws of k accounts with replacement, as (block, k) count matrices."""
    rng = np.random.default_rng(seed)
    for first in range(0, samples, _BLOCK):
        yield rng.multinomial(k, np.full(k, 1.0 / k), size=min(_BLOCK, samples - first)).astype(float)


def _replicate_aucs(score: np.ndarray, y: np.ndarray, codes: np.ndarray, blocks: list[np.ndarray]) -> np.ndarray:
    """The weighted AUC under each bootstrap draw (NaN where a draw lacks an outcome class)."""
    order, starts = _tie_groups(score)
    ys, cs = y[order], codes[order]
    out = []
    for counts in blocks:
        w = counts[:, cs]  # each row weighs as often as its account was drawn
        pos = np.add.reduceat(np.where(ys, w, 0.0), starts, axis=1)
        neg = np.add.reduceat(np.where(ys, 0.0, w), starts, axis=1)
        out.append(_auc_from_groups(pos, neg))
    return np.concatenate(out) if out else np.zeros(0)


def _percentiles(v: np.ndarray, level: float) -> tuple[float, float] | None:
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    return float(np.percentile(v, tail)), float(np.percentile(v, 100.0 - tail))


def auc_interval(score: np.ndarray, y: np.ndarray, cluster: np.ndarray, samples: int = 200,
                 level: float = 0.95, seed: int = 0) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the AUC, resampling whole accounts (clusters) with replacement.

    An account's months are not independent (the same account is scored every month), so resampling
    rows would give intervals that are too narrow; resampling accounts keeps each account's rows together.
    Replicates without both outcomes are skipped. None when fewer than 2 accounts or no usable replicate.
    """
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=bool)
    codes, _ = _codes(cluster)
    k = int(codes.max()) + 1 if len(codes) else 0
    if k < 2 or samples < 1 or y.all() or not y.any():
        return None
    return _percentiles(_replicate_aucs(score, y, codes, list(_count_blocks(k, samples, seed))), level)


def auc_difference_interval(a: np.ndarray, b: np.ndarray, y: np.ndarray, cluster: np.ndarray, samples: int = 200,
                            level: float = 0.95, seed: int = 0) -> tuple[float, float] | None:
    """Interval of AUC(a) - AUC(b) on the same rows, both scores judged on the same resampled accounts
    (paired: the accounts that make one score look good make the other look good too)."""
    a, b, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(y, dtype=bool)
    codes, _ = _codes(cluster)
    k = int(codes.max()) + 1 if len(codes) else 0
    if k < 2 or samples < 1 or y.all() or not y.any():
        return None
    blocks = list(_count_blocks(k, samples, seed))
    return _percentiles(_replicate_aucs(a, y, codes, blocks) - _replicate_aucs(b, y, codes, blocks), level)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniques, codes = np.unique(np.asarray(values), return_inverse=True)
    return codes.reshape(-1), uniques


def lift_top_decile(score: np.ndarray, y: np.ndarray, share: float = 0.1) -> float | None:
    """Outcome rate among the riskiest `share` of rows (lowest scores) divided by the overall rate.

    The cut rarely falls between two distinct scores: rows tied at the cut count in proportion to the
    part of their tie group that fits, so the figure does not depend on the order of tied rows.
    None when there are no rows or no outcome.
    """
    return auc_and_lift(score, y, share)[1]


def _lift(pos: np.ndarray, size: np.ndarray, n: int, share: float) -> float:
    """Lift from per-tie-group positives and sizes (ascending score: riskiest first)."""
    k = share * n
    before = np.cumsum(size) - size  # rows in riskier groups
    taken = np.clip(k - before, 0.0, size)  # rows of each group inside the top share
    top_rate = float((pos * taken / size).sum()) / k
    return top_rate / (float(pos.sum()) / n)
