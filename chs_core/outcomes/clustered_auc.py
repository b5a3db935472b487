"""AUC intervals from the clustered variance (Obuchowski 1997): DeLong's method with whole accounts as clusters.

For a big book the percentile bootstrap (ranking.auc_interval) costs a sparse product per replicate over every
judged row, about a second per interval at 100,000 accounts, where this costs one pass over the sorted rows.
Each outcome row gets its share of the other rows scoring above it (ties half), each other row its share of the
outcome rows scoring below it (DeLong's structural components); summed per account, their spread between
accounts gives the variance of the AUC without assuming an account's months independent:

    Var(AUC) = I/(I-1) * [ sum_c d10_c**2 / M**2 + sum_c d01_c**2 / N**2 + 2 sum_c d10_c d01_c / (M N) ]

with I accounts, M outcome rows, N other rows, d10_c = (account c's outcome rows' components) - (its outcome
rows) * AUC and d01_c likewise. The interval is AUC +- z * sqrt(Var), within [0, 1]. From a few thousand
accounts it agrees with the bootstrap to the third decimal (tests/unit/test_clustered_auc.py checks it against
2,000 bootstrap replicates); below backtest_bootstrap_accounts the bootstrap is used.
Same conventions as ranking: higher score = healthier, y True for the outcome, ties count half.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass(frozen=True)
class Components:
    """An AUC and its per-account deviations (see the module docstring)."""

    auc: float
    d10: np.ndarray  # per account: outcome rows' components minus their count times the AUC
    d01: np.ndarray  # per account: other rows' components minus their count times the AUC
    positives: int  # M
    negatives: int  # N


def components(score: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int,
               order: np.ndarray | None = None) -> Components | None:
    """DeLong's components of score for outcome y, summed per account (codes 0..k-1); None without both classes."""
    order = np.argsort(score) if order is None else order
    s, yy, c = score[order], y[order], codes[order]
    new = np.r_[True, s[1:] != s[:-1]]
    group = np.cumsum(new) - 1
    positive = np.add.reduceat(yy.astype(float), np.flatnonzero(new)) if len(s) else np.zeros(0)
    negative = np.bincount(group, minlength=len(positive)) - positive
    m, n = positive.sum(), negative.sum()
    if m == 0 or n == 0:
        return None
    above = (n - np.cumsum(negative) + 0.5 * negative) / n  # per tie group: share of other rows above (ties half)
    below = (np.cumsum(positive) - 0.5 * positive) / m  # per tie group: share of outcome rows below (ties half)
    v10, v01 = above[group[yy]], below[group[~yy]]
    auc = float(v10.mean())
    d10 = np.bincount(c[yy], weights=v10, minlength=k) - np.bincount(c[yy], minlength=k) * auc
    d01 = np.bincount(c[~yy], weights=v01, minlength=k) - np.bincount(c[~yy], minlength=k) * auc
    return Components(auc, d10, d01, int(m), int(n))


def covariance(a: Components, b: Components) -> float:
    """Covariance of two AUCs judged on the same rows (a with itself: its variance)."""
    k = len(a.d10)
    m, n = a.positives, a.negatives
    return k / (k - 1) * (float(a.d10 @ b.d10) / m ** 2 + float(a.d01 @ b.d01) / n ** 2
                          + (float(a.d10 @ b.d01) + float(b.d10 @ a.d01)) / (m * n))


def _bounds(centre: float, variance: float, level: float, low: float, high: float) -> tuple[float, float]:
    half = NormalDist().inv_cdf(0.5 + level / 2.0) * math.sqrt(max(variance, 0.0))
    return max(low, centre - half), min(high, centre + half)


def interval(score: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int, level: float = 0.95,
             order: np.ndarray | None = None) -> tuple[float, float] | None:
    """The AUC's clustered interval; None without both outcomes."""
    c = components(score, y, codes, k, order)
    return None if c is None else _bounds(c.auc, covariance(c, c), level, 0.0, 1.0)


def difference_interval(a: np.ndarray, b: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int,
                        level: float = 0.95) -> tuple[float, float] | None:
    """Interval of AUC(a) - AUC(b) on the same rows (paired: their covariance counts)."""
    ca, cb = components(a, y, codes, k), components(b, y, codes, k)
    if ca is None or cb is None:
        return None
    return _bounds(ca.auc - cb.auc, covariance(ca, ca) + covariance(cb, cb) - 2 * covariance(ca, cb), level, -1.0, 1.0)
