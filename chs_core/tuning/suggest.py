"""Suggested weights: learned from the point-in-time history, judged out of sample against the current model.

1. Score the history with the current model: each metric's 0-100 points (its thresholds, per segment and
   stage) are the inputs, so the suggestion changes weights only, never what a metric's points mean.
2. Split by time (time_split): fit on earlier as-of dates, test on the last ones, a horizon apart.
3. Fit scikit-learn's ElasticNet(positive=True) of "did not churn within the horizon" on the standardised
   points, then divide by each metric's spread to get weights on the points themselves. Why: a negative
   weight cannot be written into model.yaml (every metric's points already point healthy-up, an inverted
   one gets 0); the L1 part sets metrics that do not help to 0 instead of spreading noise over them, and
   the L2 part shares weight between collinear metrics (ARR and seat trend) instead of giving it to one at
   random. The penalty is chosen by AUC on the last training dates (again a horizon apart), never on the
   test dates; on a tie the stronger penalty (fewer metrics) wins.
4. Map the weights back onto the model (weights.apply_metric_weights); flags, tiers and cut-offs stay.
5. Score the test dates with both models (flags included) and compare AUC, lift and recall. A gain is
   claimed only when the paired, account-clustered interval of the AUC difference lies above 0.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chs_core.model import Model
from chs_core.outcomes.labels import label_history
from chs_core.outcomes.quality import Quality, quality_of
from chs_core.outcomes.ranking import auc, auc_difference_interval
from chs_core.outcomes.time_split import time_split
from chs_core.scoring.score import score_frame
from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.tuning.explain import collinear_pairs, summary_lines
from chs_core.tuning.weights import apply_metric_weights, metric_shares, weight_overrides

# Elastic-net penalties tried on the validation dates, strongest first (an outcome of a few % has a variance of
# a few hundredths, so useful penalties are small).
ALPHAS = (0.1, 0.03, 0.01, 3e-3, 1e-3, 3e-4, 1e-4)
L1_RATIO = 0.5


@dataclass(frozen=True)
class Suggestion:
    draft: Model  # the current model with the suggested weights (valid; publishable)
    current: Quality  # out of sample, test dates only
    suggested: Quality
    current_window_auc: float | None  # inside the renewal window, test dates
    suggested_window_auc: float | None
    auc_gain: float | None  # suggested - current
    auc_gain_ci: tuple[float, float] | None
    gain: bool  # the whole interval above 0
    shares: tuple[tuple[str, str, float, float], ...]  # (component, metric, current share, suggested share)
    collinear: tuple[tuple[str, str, float], ...]  # (metric, metric, correlation) on the training rows
    dropped_overrides: tuple[str, ...]
    train_dates: tuple[str, ...]
    test_dates: tuple[str, ...]
    alpha: float | None
    summary: tuple[str, ...]  # what it learned, in words


class NotEnoughHistory(ValueError):
    """The history is too short for a time split with churn in the training dates."""


def _points(scores: pd.DataFrame, names: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    return np.column_stack([pd.to_numeric(scores[f"metric_score_{m}"], errors="coerce").to_numpy(dtype=float)[rows]
                            for m in names]) / 100.0


def _fill(x: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Missing points get the training mean (what re-weighting over the other metrics comes close to)."""
    means = np.nanmean(np.where(train[:, None], x, np.nan), axis=0)
    means = np.where(np.isnan(means), 0.5, means)
    return np.where(np.isnan(x), means[None, :], x)


def _elastic_net(x: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Non-negative coefficients on the points (fitted on standardised points, scaled back)."""
    from sklearn.linear_model import ElasticNet

    spread = x.std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes on tiny books; the validation AUC is what counts
        fit = ElasticNet(alpha=alpha, l1_ratio=L1_RATIO, positive=True, max_iter=5000).fit(
            (x - x.mean(axis=0)) / spread, y.astype(float))
    return np.clip(fit.coef_, 0.0, None) / spread


def _fit(x: np.ndarray, healthy: np.ndarray, as_of: np.ndarray, train: np.ndarray, h: int) -> tuple[np.ndarray, float]:
    """Non-negative weights per metric, the penalty chosen on the last training dates (a horizon apart)."""
    inner = time_split(as_of[train], max(2, len(set(as_of[train].tolist())) // 4), h)
    fit_rows, val_rows = (m & train for m in inner.masks(as_of)) if inner.usable else (train, train)
    best, best_auc = ALPHAS[0], -1.0
    if inner.usable and (~healthy[fit_rows]).any() and (~healthy[val_rows]).any():
        for a in ALPHAS:
            coef = _elastic_net(x[fit_rows], healthy[fit_rows], a)
            score = auc(x[val_rows] @ coef, ~healthy[val_rows]) if coef.any() else 0.5
            if score is not None and score > best_auc + 1e-3:  # a weaker penalty must earn its extra metrics
                best, best_auc = a, score
    return _elastic_net(x[train], healthy[train], best), best


def suggest_weights(metrics: pd.DataFrame, arr: pd.DataFrame | Dataset, model: Model,
                    horizon_months: int | None = None, end_month=None, test_dates: int | None = None,
                    samples: int | None = None) -> Suggestion:
    """Suggest weights from a point-in-time metrics history (compute_metrics joined to accounts)."""
    h = int(horizon_months or setting("backtest_horizon_months"))
    samples = int(samples if samples is not None else setting("backtest_bootstrap_samples"))
    scores = score_frame(metrics, model).frame
    lab = label_history(metrics, arr, h, end_month)
    split = time_split(lab.as_of, test_dates or setting("backtest_test_dates"), h)
    train, test = split.masks(lab.as_of)
    y = lab.churned
    if not split.usable or not y[train].any() or not y[test].any():
        raise NotEnoughHistory(
            f"Suggesting weights needs churn within {h} months both in training dates and, {h} months later, in "
            f"test dates; this history has {len(set(lab.as_of.tolist()))} judged as-of dates and "
            f"{int(y.sum())} churned rows. Load more months of history.")
    names = model.metric_names()
    x = _fill(_points(scores, names, lab.rows), train)
    coef, alpha = _fit(x, ~y, lab.as_of, train, h)
    fitted = dict(zip(names, coef.tolist()))
    draft = apply_metric_weights(model, fitted) if coef.sum() > 0 else model
    rows = lab.rows[test]
    test_metrics = metrics.iloc[rows].reset_index(drop=True)
    cur = score_frame(test_metrics, model).frame
    new = score_frame(test_metrics, draft).frame
    acc, yt = lab.account_id[test], y[test]
    qs = []
    for f in (cur, new):
        s = f["health_score"].to_numpy(dtype=float)
        qs.append((s, quality_of(s, f["at_risk"].to_numpy(dtype=bool), yt, acc, samples)))
    (s_cur, q_cur), (s_new, q_new) = qs
    both = ~np.isnan(s_cur) & ~np.isnan(s_new)
    ci = auc_difference_interval(s_new[both], s_cur[both], yt[both], acc[both], samples)
    gain_value = (q_new.auc - q_cur.auc) if q_new.auc is not None and q_cur.auc is not None else None
    window = lab.in_renewal_window[test]
    w_cur = auc(s_cur[window & both], yt[window & both]) if window.any() else None
    w_new = auc(s_new[window & both], yt[window & both]) if window.any() else None
    before, after = metric_shares(model), metric_shares(draft)
    shares = tuple((c.name, m.name, before[m.name], after[m.name]) for c in model.components for m in c.metrics)
    pairs = collinear_pairs(x[train], names)
    gain = ci is not None and ci[0] > 0 and coef.sum() > 0
    dropped = tuple(weight_overrides(model)) if draft is not model else ()
    dates = (tuple(str(d) for d in split.train_dates), tuple(str(d) for d in split.test_dates))
    text = summary_lines(q_cur, q_new, gain_value, ci, gain, shares, pairs, dropped, dates, h, w_cur, w_new)
    return Suggestion(draft, q_cur, q_new, w_cur, w_new, gain_value, ci, gain, shares, pairs, dropped,
                      dates[0], dates[1], alpha, text)
