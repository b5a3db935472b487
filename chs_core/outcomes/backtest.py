"""The backtest: how well scores given point in time predicted churn (and churn or contraction) afterwards.

One entry point, `run_backtest(scored_history, arr, ...)`, used by the CLI (`python -m chs_core backtest`),
the tuning page and the executive page's tier outcomes. Every score in the history was computed as of
its date with data up to then; it is judged against the horizon after that date (outcomes.labels).
The result is a frozen `Backtest` of plain dataclasses; `Backtest.to_dict()` is JSON-ready (no NaN).

Reported per outcome: pooled quality (AUC with a clustered bootstrap interval, top-decile lift, base rate,
recall per account-month and per account, precision, false positive rate FP/(FP+TN) and the share of
false alerts at the at-risk cut-off), the same inside the renewal window (renewal within the horizon, so
timing no longer separates accounts), calibration per tier with counts, and quality per segment and per
as-of date. Diagnostics per metric and flag, and two baselines (renewal timing, a time-split learned model).
"""
from __future__ import annotations

import math
import threading
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from chs_core.metrics.catalog import SIGNAL_NAMES
from chs_core.model import NO_DATA_TIER, Model
from chs_core.outcomes import baselines as base
from chs_core.outcomes import kept_parts as kp
from chs_core.outcomes.diagnostics import SignalCheck, flag_checks, metric_checks
from chs_core.outcomes.kept_parts import Parts
from chs_core.outcomes.labels import Labels, label_history
from chs_core.outcomes.quality import Quality, SliceQuality, TierRate, quality_of, slice_qualities, sorted_within, tier_rates
from chs_core.outcomes.ranking import shared_draws
from chs_core.outcomes.workers import Workers, workers
from chs_core.scoring.score import float_values
from chs_core.settings import setting
from chs_core.sources import Dataset

OUTCOMES = ("churn", "churn_or_contraction")


@dataclass(frozen=True)
class OutcomeReport:
    outcome: str  # "churn" | "churn_or_contraction"
    pooled: Quality
    renewal_window: Quality | None  # None when no renewal dates are known
    tiers: tuple[TierRate, ...]
    segments: tuple[SliceQuality, ...]
    as_of_dates: tuple[SliceQuality, ...]


@dataclass(frozen=True)
class Backtest:
    horizon_months: int
    as_of_dates: tuple[str, ...]  # judged as-of dates, ISO
    rows: int  # judged (account, as-of) rows
    accounts: int
    churn: OutcomeReport
    churn_or_contraction: OutcomeReport
    diagnostics: tuple[SignalCheck, ...] = ()
    baselines: tuple[base.Baseline, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (tuples as lists, NaN and inf as None)."""
        return _plain(asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


@dataclass(frozen=True)
class Judged:
    """The scores of the judged rows, aligned with their Labels (what every figure is computed from)."""

    labels: Labels
    score: np.ndarray
    at_risk: np.ndarray
    tier: np.ndarray
    account: np.ndarray  # int per row: the account's rank among the sorted account ids (fast, same intervals)
    order: np.ndarray  # np.argsort(score): one sort for every figure of the pooled rows


_SCORED_COLUMNS = ("account_id", "as_of", "segment", "days_to_renewal", "health_score", "at_risk", "tier")


def scored_columns(model: Model, metric_columns=()) -> list[str]:
    """The columns of a scored history run_backtest reads: a fifth of the ~50 scoring writes, so a 100k-account
    history read back from the results store is a fifth of the memory. A metric's points are read only when its
    raw values (metric_columns, of the metrics frame given to run_backtest) are not there."""
    return [*_SCORED_COLUMNS, *(f"flag_{f.name}" for f in model.flags),
            *(f"metric_score_{m}" for m in model.metric_names() if m not in set(metric_columns))]


def judge(scored: pd.DataFrame, labels: Labels) -> Judged:
    """Pick the judged rows' score, at-risk flag and tier out of a scored history (positions labels.rows)."""
    r = labels.rows
    score = float_values(scored["health_score"])[r]
    at_risk = scored["at_risk"].astype("boolean").fillna(False).to_numpy(dtype=bool)[r]
    tier = scored["tier"].astype(object).to_numpy()[r]
    tier = np.where(pd.isna(tier), NO_DATA_TIER.name, tier).astype(object)
    return Judged(labels, score, at_risk, tier, labels.account_ranks(), np.argsort(score))


def outcome_report(j: Judged, outcome: str, tier_order: tuple[str, ...], samples: int, seed: int = 0) -> OutcomeReport:
    """Every figure for one outcome ("churn" or "churn_or_contraction") from judged rows."""
    lab = j.labels
    y = lab.churned if outcome == "churn" else lab.lost
    acc = j.account
    pooled = quality_of(j.score, j.at_risk, y, acc, samples, seed, order=j.order)
    window = None
    if lab.has_renewal_date:
        w = lab.in_renewal_window
        window = quality_of(j.score[w], j.at_risk[w], y[w], acc[w], samples, seed, order=sorted_within(j.order, w))
    segments = () if lab.segment is None else tuple(
        slice_qualities(np.where(pd.isna(lab.segment), "(none)", lab.segment), j.score, j.at_risk, y, acc, j.order))
    dates = tuple(slice_qualities(lab.as_of.astype("datetime64[D]"), j.score, j.at_risk, y, acc, j.order))
    return OutcomeReport(outcome, pooled, window, tuple(tier_rates(j.tier, y, lab.arr, lab.lost_arr, tier_order)),
                         segments, dates)


def _aligned(frame: pd.DataFrame, history: pd.DataFrame, labels: Labels) -> np.ndarray:
    """Row positions in `frame` of the judged rows of `history`, matched on (account_id, as_of); -1 if absent."""
    rows = labels.rows
    if len(frame) == len(history) and all(frame[c].reset_index(drop=True).equals(history[c].reset_index(drop=True))
                                          for c in ("account_id", "as_of")):
        return rows  # the same rows in the same order (scored from this frame, or both read from the store)
    if len(rows) and len(frame) > rows.max():  # frame in the scored history's row order (both read from the store)?
        same = (pd.to_datetime(frame["as_of"]).to_numpy()[rows] == labels.as_of) & (
            frame["account_id"].astype(str).to_numpy()[rows] == labels.account_id)
        if same.all():  # then no lookup of 1.8M (account, date) keys
            return rows
    keys = pd.MultiIndex.from_arrays([frame["account_id"].astype(str), pd.to_datetime(frame["as_of"])])
    want = pd.MultiIndex.from_arrays([labels.account_id, pd.to_datetime(labels.as_of)])
    return keys.get_indexer(want)


def _column(frame: pd.DataFrame, name: str, pos: np.ndarray) -> np.ndarray:
    values = float_values(frame[name])
    if len(pos) and pos.min() >= 0:  # every judged row found (the usual case): one gather
        return values[pos]
    out = np.full(len(pos), np.nan)
    out[pos >= 0] = values[pos[pos >= 0]]
    return out


def _columns(frame: pd.DataFrame | None, pos: np.ndarray | None):
    """name -> the judged rows' values of that metrics column, each read once (the diagnostics, the flags'
    conditions and the learned baseline ask for the same columns of 1.8M rows); safe to call from threads."""
    read: dict[str, np.ndarray] = {}
    lock = threading.Lock()

    def column(name: str) -> np.ndarray:
        with lock:
            if name not in read:
                read[name] = _column(frame, name, pos)
            return read[name]
    return column


def run_backtest(scored: pd.DataFrame, arr: pd.DataFrame | Dataset, *, model: Model | None = None,
                 metrics: pd.DataFrame | None = None, horizon_months: int | None = None,
                 end_month: date | None = None, samples: int | None = None, seed: int = 0,
                 diagnostics: bool = True, baselines: bool = True, test_dates: int | None = None,
                 parts: Parts | None = None) -> Backtest:
    """Judge a scored history (account_id, as_of, health_score, at_risk, tier; optional segment, flag_<name>,
    days_to_renewal) against ARR after each as-of date.

    model: gives the tier order and the metric directions and flags for the diagnostics (without it: none).
    metrics: the point-in-time metrics of the same history (compute_metrics); gives days to renewal, the raw
        metric values for the diagnostics and the learned baseline's inputs. Without it the diagnostics use
        the scored frame's metric points and the learned baseline is left out.
    end_month: the last complete ARR month (a partly loaded last month would look like mass churn).
    samples: bootstrap replicates for the intervals (setting backtest_bootstrap_samples; 0 = none).
    parts: where the parts that do not depend on the model's weights are kept (outcomes.kept_parts), for a key of
        this data and these options: those kept are read back, the others judged and kept.
    """
    h = int(horizon_months if horizon_months is not None else setting("backtest_horizon_months"))
    samples = int(samples if samples is not None else setting("backtest_bootstrap_samples"))
    labels = label_history(scored, arr, h, end_month)
    pos = _aligned(metrics, scored, labels) if metrics is not None else None
    if not labels.has_renewal_date and metrics is not None and "days_to_renewal" in metrics.columns:
        labels = replace(labels, days_to_renewal=_column(metrics, "days_to_renewal", pos))
    j = judge(scored, labels)
    tier_order = model.tier_names() if model is not None else tuple(dict.fromkeys(j.tier.tolist()))
    notes = []
    if len(labels) == 0:
        notes.append(f"No score could be judged: each needs {h} months of ARR after its as-of date.")
    checks: tuple[SignalCheck, ...] = ()
    column = _columns(metrics, pos)
    test_dates = int(test_dates if test_dates is not None else setting("backtest_test_dates"))
    parts = parts if metrics is not None and model is not None else None  # model-free parts need raw metrics
    kept = parts.get(_part_names(model, samples, test_dates)) if parts is not None else {}
    # every interval over the same accounts resamples them with the same draws, made once; figures side by side
    with shared_draws(), workers() as pool:
        later = _baselines(metrics, j, column, h, samples, test_dates, pool, kept) \
            if baselines and len(labels) else []  # the learned baseline is the longest task: first in the queue
        pending = {o: pool.submit(outcome_report, j, o, tier_order, samples, seed) for o in OUTCOMES}
        if diagnostics and model is not None and len(labels):
            checks = _diagnostics(model, scored, metrics, j, column, samples // 2, pool, kept)
        reports = {o: f.result() for o, f in pending.items()}
        found = tuple(f.result() for _, f in later)
    if parts is not None:
        parts.put(_new_parts(model, samples, set(metrics.columns), checks, later, found, kept))
    return Backtest(h, tuple(np.datetime_as_string(np.unique(labels.as_of), unit="D")), len(labels),
                    int(j.account.max()) + 1 if len(labels) else 0, reports["churn"], reports["churn_or_contraction"],
                    checks, found, tuple(notes))


def _part_names(model: Model, samples: int, test_dates: int) -> list[str]:
    return [*(kp.metric_part(m, samples // 2) for c in model.components for m in c.metrics),
            kp.renewal_part(samples), kp.learned_part(samples, test_dates)]


def _new_parts(model: Model, samples: int, raw: set, checks, later, found, kept: dict) -> dict[str, dict]:
    """The parts judged in this run that can be kept: checks of metrics with raw values (`raw`: the metrics
    frame's columns; a check on metric points depends on the model), baselines that were fitted."""
    new = {}
    by_name = {c.name: c for c in checks if c.kind == "metric"}
    for m in (m for c in model.components for m in c.metrics):
        name = kp.metric_part(m, samples // 2)
        if name not in kept and m.name in by_name and m.name in raw:
            new[name] = kp.check_to_part(by_name[m.name])
    for (name, _), b in zip(later, found):
        if name is not None and not b.note:  # a baseline without enough history is cheap: never kept
            new[name] = kp.baseline_to_part(b)
    return new


def _diagnostics(model: Model, scored: pd.DataFrame, metrics: pd.DataFrame | None, j: Judged,
                 column, samples: int, pool: Workers, kept: dict) -> tuple[SignalCheck, ...]:
    labels = j.labels
    y, acc, r = labels.churned, j.account, labels.rows
    values, points, done = {}, set(), {}
    for c in model.components:
        for m in c.metrics:
            part = kept.get(kp.metric_part(m, samples))
            if part is not None:
                done[m.name] = kp.check_from_part(part, c.name)
    for m in model.metric_names():
        if m in done:
            continue
        if metrics is not None and m in metrics.columns:
            values[m] = column(m)
        elif f"metric_score_{m}" in scored.columns:
            values[m] = pd.to_numeric(scored[f"metric_score_{m}"], errors="coerce").to_numpy(dtype=float)[r]
            points.add(m)
    fired, known = {}, {}
    for f in model.flags:
        if f"flag_{f.name}" in scored.columns:
            fired[f.name] = scored[f"flag_{f.name}"].astype("boolean").fillna(False).to_numpy(dtype=bool)[r]
        if metrics is not None:
            have = [~np.isnan(column(c.signal)) for c in f.conditions if c.signal in metrics.columns]
            known[f.name] = np.logical_or.reduce(have) if have else np.zeros(len(labels), dtype=bool)
    return (*metric_checks(model, values, y, acc, samples, points, pool.map, done),
            *flag_checks(model, fired, known, y, acc, samples, pool.map))


def _baselines(metrics: pd.DataFrame | None, j: Judged, column, h: int, samples: int,
               test_dates: int, pool: Workers, kept: dict) -> list[tuple[str | None, Future]]:
    """The baselines submitted to the pool (the learned one first: it is the longest), each with the name to keep
    it under when judged here (None when read back)."""
    labels, score = j.labels, j.score
    y, acc = labels.churned, j.account
    out = []
    if metrics is not None:
        name = kp.learned_part(samples, test_dates)
        if name in kept:
            out.append((None, pool.submit(base.learned_again, kp.baseline_from_part(kept[name]), labels.as_of, y,
                                          score, h, test_dates)))
        else:
            names = [c for c in SIGNAL_NAMES if c in metrics.columns]  # its inputs are read in its own thread
            out.append((name, pool.submit(lambda: base.learned({c: column(c) for c in names}, labels.as_of, y, acc,
                                                               score, h, test_dates, samples))))
    if labels.has_renewal_date:
        name = kp.renewal_part(samples)
        if name in kept:
            out.insert(0, (None, pool.submit(base.renewal_again, kp.baseline_from_part(kept[name]),
                                             labels.days_to_renewal, y, score)))
        else:
            out.insert(0, (name, pool.submit(base.renewal_timing, labels.days_to_renewal, y, acc, score, samples)))
    return out
