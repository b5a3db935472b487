"""Live rescoring for the tuning page: the point-in-time history as arrays, rescored and judged per draft.

`prepare_history` runs once per data source (metrics and outcome labels do not depend on weights);
`rescore` and `figures` run on every slider move: scoring.score_arrays on cached arrays (no frame
building), then the summaries and backtest figures with numpy only (no bootstrap interval: that is
asked for separately, `with_interval`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.metrics.catalog import SIGNAL_NAMES
from chs_core.model import Model
from chs_core.outcomes.labels import Labels, label_history
from chs_core.outcomes.quality import Quality, TierRate, quality_of, sorted_within
from chs_core.outcomes.ranking import auc, auc_difference_interval
from chs_core.scoring.score import assign_tiers, float_values, score_arrays
from chs_core.sources import Dataset


@dataclass(frozen=True, eq=False)
class History:
    """The model-independent inputs of every rescoring, rows sorted by segment then tenure.

    That order makes every (segment, lifecycle stage) group a contiguous run of rows for any model's stage
    boundaries, so rescoring reads and writes each group's slice without copying it.
    """

    raw: dict[str, np.ndarray]
    segment: np.ndarray  # object
    segment_codes: tuple[np.ndarray, np.ndarray]  # pd.factorize(segment), kept so no rescoring hashes strings
    account_id: np.ndarray
    account_name: np.ndarray
    as_of: np.ndarray  # datetime64[D]
    arr: np.ndarray
    latest: np.ndarray  # rows at the latest as-of date (the book today)
    labels: Labels

    @property
    def latest_as_of(self) -> date | None:
        return pd.Timestamp(self.as_of[self.latest][0]).date() if self.latest.any() else None


_LABEL_INPUTS = ("account_id", "as_of", "segment", "days_to_renewal")


def prepare_history(metrics: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset, horizon_months: int,
                    end_month: date | None = None) -> History:
    """Arrays of a metrics history (compute_metrics joined to accounts) and its churn labels."""
    n = len(metrics)

    def unsorted(name: str, kind=float):
        if name not in metrics.columns:
            return np.full(n, np.nan) if kind is float else np.full(n, None, dtype=object)
        s = metrics[name]
        if kind is float:
            return float_values(s)  # a float column as it is: the sort's gather below is the one copy
        return text_objects(s) if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object else \
            s.astype(object).where(s.notna(), None).to_numpy()

    segment = unsorted("segment", object)
    seg_codes, seg_uniques = pd.factorize(segment, use_na_sentinel=True)
    order = np.lexsort((unsorted("tenure_months"), seg_codes))  # NaN tenure sorts last, as "unknown" does

    def col(name: str, kind=float):
        return unsorted(name, kind)[order]

    frame = metrics[[c for c in _LABEL_INPUTS if c in metrics.columns]].take(order)
    as_of = pd.to_datetime(frame["as_of"]).to_numpy().astype("datetime64[D]")
    latest = as_of == as_of.max() if n else np.zeros(0, dtype=bool)
    return History(
        raw={name: col(name) for name in (*SIGNAL_NAMES, "tenure_months")},
        segment=segment[order], segment_codes=(seg_codes[order], seg_uniques),
        account_id=text_objects(frame["account_id"].astype(str)),
        account_name=col("account_name", object), as_of=as_of, arr=np.nan_to_num(col("arr")), latest=latest,
        labels=label_history(frame, arr_monthly, horizon_months, end_month))


def text_objects(s: pd.Series) -> np.ndarray:
    """A text column as an object array, missing as None, with one str object per distinct value (1.8M rows of
    100k names converted one by one took a second each)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)  # the last one, None, is what code -1 (missing) reads
    values[:-1] = np.asarray(uniques, dtype=object)
    return values[codes]


@dataclass(frozen=True, eq=False)
class Rescored:
    score: np.ndarray
    at_risk: np.ndarray
    tier: np.ndarray  # int code into tier_names
    tier_names: tuple[str, ...]  # the model's tiers, then "No data"


def rescore(h: History, model: Model) -> Rescored:
    a = score_arrays(h.raw, h.segment, model, detail=False, seg_codes=h.segment_codes)
    tiers = assign_tiers(a.score, model, a.tier_min)
    return Rescored(a.score, a.at_risk, np.asarray(tiers.codes), tuple(tiers.categories))


@dataclass(frozen=True)
class Figures:
    """What the page shows for one model: the book at the latest as-of date, and the backtest."""

    tier_accounts: tuple[int, ...]  # per tier_names, latest as-of
    tier_arr: tuple[float, ...]
    mean_score: float | None
    at_risk_accounts: int
    at_risk_arr: float
    total_arr: float
    churn: Quality  # pooled, churn within the horizon
    renewal_window: Quality | None
    tiers: tuple[TierRate, ...]  # calibration


def figures(h: History, r: Rescored, samples: int = 0) -> Figures:
    m = h.latest
    codes = r.tier[m]
    k = len(r.tier_names)
    arr = h.arr[m]
    scored = ~np.isnan(r.score[m])
    lab = h.labels
    rows = lab.rows
    score, at_risk, tier = r.score[rows], r.at_risk[rows], r.tier[rows]
    acc = lab.account_code  # ints: grouping by account stays fast
    order = np.argsort(score)  # once: the renewal window's order is read off it
    window = None
    if lab.has_renewal_date:
        w = lab.in_renewal_window
        window = quality_of(score[w], at_risk[w], lab.churned[w], acc[w], samples, order=sorted_within(order, w))
    n_rows = np.bincount(tier, minlength=k)
    positives = np.bincount(tier, weights=lab.churned, minlength=k)
    tier_arr = np.bincount(tier, weights=lab.arr, minlength=k)
    lost = np.bincount(tier, weights=np.where(lab.churned, lab.lost_arr, 0.0), minlength=k)
    rates = tuple(TierRate(name, int(n_rows[i]), int(positives[i]), float(positives[i] / n_rows[i]) if n_rows[i]
                           else None, float(tier_arr[i]), float(lost[i]))
                  for i, name in enumerate(r.tier_names) if i < k - 1 or n_rows[i])
    return Figures(
        tier_accounts=tuple(np.bincount(codes, minlength=k).tolist()),
        tier_arr=tuple(np.bincount(codes, weights=arr, minlength=k).tolist()),
        mean_score=float(r.score[m][scored].mean()) if scored.any() else None,
        at_risk_accounts=int(r.at_risk[m].sum()), at_risk_arr=float(arr[r.at_risk[m]].sum()),
        total_arr=float(arr[scored].sum()),
        churn=quality_of(score, at_risk, lab.churned, acc, samples, order=order),
        renewal_window=window,
        tiers=rates,
    )


def migration(h: History, before: Rescored, after: Rescored) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tier before (rows) x tier after (columns) at the latest as-of date: accounts, and ARR."""
    m = h.latest
    k = len(before.tier_names)
    cell = before.tier[m] * k + after.tier[m]
    counts = np.bincount(cell, minlength=k * k).reshape(k, k)
    arr = np.bincount(cell, weights=h.arr[m], minlength=k * k).reshape(k, k)
    names = list(before.tier_names)
    return (pd.DataFrame(counts, index=names, columns=names), pd.DataFrame(arr, index=names, columns=names))


def movers(h: History, before: Rescored, after: Rescored, limit: int = 10) -> pd.DataFrame:
    """The accounts whose score moved most at the latest as-of date (largest absolute change first)."""
    m = np.flatnonzero(h.latest)
    change = after.score[m] - before.score[m]
    moved = np.where(np.isnan(change), -1.0, np.abs(change))
    top = m[np.argsort(-moved, kind="stable")[:limit]]
    top = top[~np.isnan(after.score[top] - before.score[top]) & (np.abs(after.score[top] - before.score[top]) > 0)]
    names = np.asarray(before.tier_names, dtype=object)
    return pd.DataFrame({
        "account_id": h.account_id[top], "account_name": h.account_name[top], "segment": h.segment[top],
        "arr": h.arr[top], "published": before.score[top], "draft": after.score[top],
        "change": after.score[top] - before.score[top], "tier_published": names[before.tier[top]],
        "tier_draft": names[after.tier[top]]})




def auc_change(h: History, before: Rescored, after: Rescored, samples: int,
               seed: int = 0) -> tuple[float | None, tuple[float, float] | None]:
    """AUC(after) - AUC(before) for churn on the judged rows both score, and its paired interval (accounts
    resampled with replacement, both scores judged on the same draws)."""
    lab = h.labels
    b, a = before.score[lab.rows], after.score[lab.rows]
    both = ~np.isnan(b) & ~np.isnan(a)
    y = lab.churned[both]
    auc_a, auc_b = auc(a[both], y), auc(b[both], y)
    if auc_a is None or auc_b is None:
        return None, None
    return auc_a - auc_b, auc_difference_interval(a[both], b[both], y, lab.account_code[both], samples, seed=seed)
