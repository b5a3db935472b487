"""Quality figures of a score against one outcome: ranking (AUC, interval, lift) and the at-risk cut-off.

Counts are (account, as-of) rows pooled over as-of dates, except `recall_accounts`, which counts accounts:
an account with the outcome after some as-of date is caught when it was at risk at any of those dates.
Rows with no score ("No data") are left out of AUC and lift and count as not at risk, so a churner the
score could not see is a miss, never silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chs_core.outcomes.ranking import auc_and_lift, auc_interval


@dataclass(frozen=True)
class Quality:
    """One slice of judged rows. Shares are 0-1; None when undefined (no rows, no outcome, no alert)."""

    rows: int  # judged (account, as-of) rows
    scored_rows: int  # of which with a score
    positives: int  # rows followed by the outcome within the horizon
    base_rate: float | None  # positives / rows
    auc: float | None
    auc_ci: tuple[float, float] | None  # bootstrap interval clustered by account
    lift_top_decile: float | None
    at_risk_rows: int  # alerts: rows below the at-risk cut-off
    true_positives: int
    false_positives: int
    recall: float | None  # TP / positives (per account-month)
    recall_accounts: float | None  # caught accounts / accounts with the outcome
    accounts_with_outcome: int
    caught_accounts: int
    precision: float | None  # TP / alerts
    false_positive_rate: float | None  # FP / (FP + TN): share of rows without the outcome that were alerted
    false_alert_share: float | None  # FP / alerts = 1 - precision (the practitioners' "false-positive rate")


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole > 0 else None


def quality_of(score: np.ndarray, at_risk: np.ndarray, y: np.ndarray, account: np.ndarray,
               samples: int = 200, seed: int = 0, order: np.ndarray | None = None) -> Quality:
    """Quality of `score` (NaN = no score) and its at-risk alerts for the outcome `y`, rows of `account`.

    samples: bootstrap replicates for auc_ci (0 skips the interval, e.g. for small slices).
    order: np.argsort(score) (NaN last) when the caller has it (see sorted_within), to skip the sort.
    """
    score = np.asarray(score, dtype=float)
    y = np.asarray(y, dtype=bool)
    alert = np.asarray(at_risk, dtype=bool) & ~np.isnan(score)
    scored = ~np.isnan(score)
    n, pos = len(y), int(y.sum())
    tp, fp = int((alert & y).sum()), int((alert & ~y).sum())
    negatives = n - pos
    with_outcome = np.unique(account[y])
    caught = np.unique(account[y & alert])
    order = np.argsort(score) if order is None else order
    ranked, lift = auc_and_lift(score, y, order=order[:int(scored.sum())]) if scored.any() else (None, None)
    return Quality(
        rows=n, scored_rows=int(scored.sum()), positives=pos, base_rate=_share(pos, n),
        auc=ranked,
        auc_ci=auc_interval(score[scored], y[scored], account[scored], samples, seed=seed,
                            order=sorted_within(order, scored))
        if ranked is not None and samples > 0 else None,
        lift_top_decile=lift,
        at_risk_rows=int(alert.sum()), true_positives=tp, false_positives=fp,
        recall=_share(tp, pos),
        recall_accounts=_share(len(caught), len(with_outcome)),
        accounts_with_outcome=len(with_outcome), caught_accounts=len(caught),
        precision=_share(tp, tp + fp),
        false_positive_rate=_share(fp, negatives),
        false_alert_share=_share(fp, tp + fp),
    )


def sorted_within(order: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The argsort of score[keep], from the argsort `order` of score: no second sort for a slice."""
    position = np.cumsum(keep) - 1  # row -> its position among the kept rows
    return position[order[keep[order]]]


@dataclass(frozen=True)
class TierRate:
    """Calibration: how often each tier's rows were followed by the outcome."""

    tier: str
    rows: int
    positives: int
    rate: float | None
    arr: float  # ARR at the as-of dates, summed over rows
    lost_arr: float


def tier_rates(tier: np.ndarray, y: np.ndarray, arr: np.ndarray, lost_arr: np.ndarray,
               order: tuple[str, ...]) -> list[TierRate]:
    """One TierRate per tier in `order` (zeros for an empty tier), then any other tier seen (e.g. No data)."""
    tier = np.asarray(tier, dtype=object)
    seen = [t for t in dict.fromkeys(tier.tolist()) if t not in order]
    out = []
    for name in (*order, *seen):
        m = tier == name
        rows, positives = int(m.sum()), int((m & y).sum())
        out.append(TierRate(str(name), rows, positives, _share(positives, rows), float(arr[m].sum()),
                            float(lost_arr[m & y].sum())))
    return out


@dataclass(frozen=True)
class SliceQuality:
    """Quality in one segment or at one as-of date (no interval: slices are small)."""

    name: str
    rows: int
    positives: int
    base_rate: float | None
    auc: float | None
    lift_top_decile: float | None
    recall: float | None
    precision: float | None
    false_positive_rate: float | None


def slice_qualities(keys: np.ndarray, score: np.ndarray, at_risk: np.ndarray, y: np.ndarray,
                    account: np.ndarray, order: np.ndarray | None = None) -> list[SliceQuality]:
    """SliceQuality per distinct key (sorted; datetime64 keys are named by their day), from quality_of without the
    bootstrap.

    order: np.argsort(score) when the caller has it (each slice's order is then taken from it, no sort)."""
    out = []
    keys = np.asarray(keys)
    dated = keys.dtype.kind == "M"  # as-of dates: factorized as numbers, named by their ISO day (same order)
    codes, names = pd.factorize(keys if dated else keys.astype(object), use_na_sentinel=False)
    labels = np.datetime_as_string(np.asarray(names), unit="D") if dated else [str(k) for k in names]
    for i in sorted(range(len(names)), key=lambda i: labels[i]):
        k, m = labels[i], codes == i
        q = quality_of(score[m], at_risk[m], y[m], account[m], samples=0,
                       order=None if order is None else sorted_within(order, m))
        out.append(SliceQuality(str(k), q.rows, q.positives, q.base_rate, q.auc, q.lift_top_decile, q.recall,
                                q.precision, q.false_positive_rate))
    return out
