"""How well a score ranks an outcome: AUC (ties count half), its bootstrap interval clustered by account, lift.

Convention: `score` is a health score (higher = healthier) and `y` is True for the bad outcome (churn).
AUC = P(a random account-month without the outcome scores higher than one with it), ties counting 1/2;
0.5 is no better than chance. Rows with a NaN score are left out by the callers.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
from scipy import sparse

from chs_core.outcomes import clustered_auc
from chs_core.settings import setting

# Bootstrap draws are made a block at a time (the draws do not depend on how many are evaluated at once);
# replicates are evaluated up to _CELLS (tie group, draw) sums at a time so memory stays small.
_BLOCK = 16
_CELLS = 1 << 22
_FLOAT32_EXACT = 2 ** 24  # float32 counts every whole number below this exactly
_KEPT = 4  # draws kept inside shared_draws (the pooled rows' accounts come back most often)
_SHARED: ContextVar[dict | None] = ContextVar("shared_bootstrap_draws", default=None)


def _auc_from_groups(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """AUC from per-tie-group positive and negative weights (last axis = groups, ascending score)."""
    total_pos, total_neg = pos.sum(axis=-1), neg.sum(axis=-1)
    neg_above = total_neg[..., None] - np.cumsum(neg, axis=-1)  # negatives scoring strictly higher
    wins = (pos * (neg_above + 0.5 * neg)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((total_pos > 0) & (total_neg > 0), wins / (total_pos * total_neg), np.nan)


def _auc_from_columns(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """_auc_from_groups with groups down the rows and one replicate per column (whole-number weights, so the
    order of the sums does not change the figures). Overwrites `neg`."""
    total_pos, total_neg = pos.sum(axis=0), neg.sum(axis=0)
    ties = np.einsum("gb,gb->b", pos, neg)
    np.add.accumulate(neg, axis=0, out=neg)  # in place: negatives scoring at most as high
    wins = total_pos * total_neg - np.einsum("gb,gb->b", pos, neg) + 0.5 * ties
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((total_pos > 0) & (total_neg > 0), wins / (total_pos * total_neg), np.nan)


def score_order(score: np.ndarray) -> np.ndarray:
    """np.argsort(score) up to the order of tied rows, which no figure here depends on (ties are grouped).

    Scores that are whole numbers within a span of 65,536 (counts, days, flags as 0/1) without NaN are sorted by
    counting (numpy's radix sort of 16-bit keys: one pass, not a comparison sort); a signal check sorts 1.5M rows."""
    score = np.asarray(score, dtype=float)
    if len(score) > 1:
        low, high = score.min(), score.max()
        if np.isfinite(low) and np.isfinite(high) and high - low < 65536 and np.array_equal(score, np.floor(score)):
            return np.argsort((score - low).astype(np.uint16), kind="stable")
    return np.argsort(score)


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
        order = score_order(score)
    n = len(order)
    s, ys = score[order], y[order].astype(float)
    if n == 0 or not ys.any():
        return None, None
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    pos = np.add.reduceat(ys, starts)
    size = np.diff(np.r_[starts, n]).astype(float)
    ranked = None if ys.all() else float(_auc_from_groups(pos, size - pos))
    return ranked, _lift(pos, size, n, share)


def _draws(k: int, samples: int, seed: int) -> np.ndarray:
    """Bootstrap draws of k accounts with replacement: a (samples, k) matrix of how often each was drawn.

    Drawn a block at a time from one generator (the same draws whatever the caller). Inside
    shared_draws() the same (k, seed) is drawn once: a backtest asks for dozens of intervals
    over the same accounts, and 200 draws of 100,000 accounts cost about a second each time."""
    return _shared_entry(k, seed, samples)["counts"][:samples]  # draws are made one after another


def _drawn(k: int, samples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    blocks = []
    for first in range(0, samples, _BLOCK):
        # k accounts picked with replacement per replicate, counted: the multinomial(k, 1/k) counts, drawn 8x faster
        picks = rng.integers(0, k, size=(min(_BLOCK, samples - first), k))
        block = np.stack([np.bincount(p, minlength=k) for p in picks])
        blocks.append(block.astype(np.uint8) if block.max(initial=0) < 256 else block)  # counts are small
    return np.concatenate(blocks) if blocks else np.zeros((0, k), dtype=np.uint8)


def _shared_entry(k: int, seed: int, samples: int) -> dict:
    """{"counts": at least `samples` draws, "columns": weight blocks by shape} for (k, seed): kept inside
    shared_draws() (the latest used longest), made afresh outside it. Locked: a backtest judges in threads."""
    shared = _SHARED.get()
    if shared is None:
        return {"counts": _drawn(k, samples, seed), "columns": {}}
    with shared["lock"]:
        cache, key = shared["draws"], (k, seed)
        if key in cache and len(cache[key]["counts"]) >= samples:
            cache[key] = cache.pop(key)
            return cache[key]
        while len(cache) >= _KEPT:  # each partly covered metric has its own set of accounts: keep the latest
            cache.pop(next(iter(cache)))
        cache[key] = {"counts": _drawn(k, samples, seed), "columns": {}}
        return cache[key]


def _weight_columns(k: int, samples: int, seed: int, step: int, dtype) -> list[np.ndarray]:
    """The draws as contiguous (account x draw) weight blocks of `step` draws, the form the sparse product wants;
    made once per (samples, step, dtype) inside shared_draws() (converting 200 draws of 100,000 accounts costs
    as much as a product)."""
    entry = _shared_entry(k, seed, samples)
    shape = (samples, step, np.dtype(dtype).str)
    if shape not in entry["columns"]:
        counts = entry["counts"][:samples]
        entry["columns"][shape] = [np.ascontiguousarray(counts[first:first + step].T, dtype=dtype)
                                   for first in range(0, samples, step)]
    return entry["columns"][shape]


@contextmanager
def shared_draws():
    """Make each (accounts, seed) bootstrap draw once inside this block (see _draws)."""
    token = _SHARED.set({"draws": {}, "lock": threading.Lock()})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _replicate_aucs(score: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int, samples: int, seed: int,
                    order: np.ndarray | None = None) -> np.ndarray:
    """The weighted AUC under each of `samples` bootstrap draws of the k accounts (NaN where a draw lacks an
    outcome class).

    A row weighs as often as its account was drawn, so a replicate needs, per tie group, the summed
    weights of its outcome rows and of its other rows: a sparse (group x account) matrix of row counts
    times the (account x draw) counts, one pass over the rows for a block of draws. Runs of groups without
    an outcome row merge into one (they only feed the running total of other rows). Every sum is of whole
    numbers, so the figures are exactly those of summing row by row: in float32 (twice as fast) while no
    replicate's total weight can reach 2**24, float32's last exact whole number, else in float64.
    order: np.argsort(score) when the caller has it."""
    order = np.argsort(score) if order is None else order
    s = score[order]
    group = np.empty(len(s), dtype=np.int64)
    group[order] = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
    has_pos = np.zeros(int(group.max()) + 1, dtype=bool)
    has_pos[group[y]] = True
    merged = np.cumsum(np.r_[True, has_pos[1:] | has_pos[:-1]]) - 1
    g = merged[group]
    shape = (int(merged[-1]) + 1, k)
    # a draw picks k accounts: its total weight is at most k times the most rows any account has
    dtype = np.float32 if k * int(np.bincount(codes, minlength=k).max(initial=0)) < _FLOAT32_EXACT else np.float64
    m_pos = _group_counts(g[y], codes[y], shape, dtype)
    m_neg = _group_counts(g[~y], codes[~y], shape, dtype)
    step = max(_BLOCK, min(samples, _CELLS // max(shape)))  # bounded memory: (groups or accounts) x step
    out = [_auc_from_columns((m_pos @ x).astype(float), (m_neg @ x).astype(float))
           for x in _weight_columns(k, samples, seed, step, dtype)]
    return np.concatenate(out) if out else np.zeros(0)


def _group_counts(group: np.ndarray, account: np.ndarray, shape: tuple[int, int], dtype) -> sparse.csr_matrix:
    """The sparse (group x account) matrix of how many rows each account has in each group."""
    return sparse.csr_matrix((np.ones(len(group), dtype=dtype), (group, account)), shape=shape)


def by_variance(accounts: int) -> bool:
    """Whether an interval over this many accounts comes from the clustered variance, not the bootstrap."""
    threshold = int(setting("backtest_bootstrap_accounts"))
    return 0 < threshold <= accounts


def _percentiles(v: np.ndarray, level: float) -> tuple[float, float] | None:
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    return float(np.percentile(v, tail)), float(np.percentile(v, 100.0 - tail))


def auc_interval(score: np.ndarray, y: np.ndarray, cluster: np.ndarray, samples: int = 200,
                 level: float = 0.95, seed: int = 0, order: np.ndarray | None = None) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the AUC, resampling whole accounts (clusters) with replacement.

    An account's months are not independent (the same account is scored every month), so resampling
    rows would give intervals that are too narrow; resampling accounts keeps each account's rows together.
    Replicates without both outcomes are skipped. None when fewer than 2 accounts or no usable replicate.
    From backtest_bootstrap_accounts accounts on, the clustered variance gives the interval instead
    (clustered_auc: the same interval to the third decimal, in one pass instead of `samples` products).
    order: np.argsort(score) when the caller has it.
    """
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=bool)
    codes, _ = _codes(cluster)
    k = int(codes.max()) + 1 if len(codes) else 0
    if k < 2 or samples < 1 or y.all() or not y.any():
        return None
    if by_variance(k):
        return clustered_auc.interval(score, y, codes, k, level, order)
    return _percentiles(_replicate_aucs(score, y, codes, k, samples, seed, order), level)


def auc_difference_interval(a: np.ndarray, b: np.ndarray, y: np.ndarray, cluster: np.ndarray, samples: int = 200,
                            level: float = 0.95, seed: int = 0) -> tuple[float, float] | None:
    """Interval of AUC(a) - AUC(b) on the same rows, both scores judged on the same resampled accounts
    (paired: the accounts that make one score look good make the other look good too). From
    backtest_bootstrap_accounts accounts on, from the clustered variances and covariance instead."""
    a, b, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(y, dtype=bool)
    codes, _ = _codes(cluster)
    k = int(codes.max()) + 1 if len(codes) else 0
    if k < 2 or samples < 1 or y.all() or not y.any():
        return None
    if by_variance(k):
        return clustered_auc.difference_interval(a, b, y, codes, k, level)
    return _percentiles(_replicate_aucs(a, y, codes, k, samples, seed)
                        - _replicate_aucs(b, y, codes, k, samples, seed), level)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's rank among the sorted distinct values (np.unique's inverse; hashing, not sorting, every row).
    Small non-negative integers (the backtest's account ranks, or a subset of them) are ranked by counting."""
    values = np.asarray(values).reshape(-1)
    if values.dtype.kind in "iu" and len(values) and values.min() >= 0 and values.max() < 4 * len(values):
        present = np.zeros(int(values.max()) + 1, dtype=bool)
        present[values] = True
        return (np.cumsum(present) - 1)[values], np.flatnonzero(present)
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    return codes, np.asarray(uniques)


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
