"""Does each metric and flag point the way the model says? Oriented AUC and coverage per signal.

A metric's oriented AUC is the AUC of its value read in the model's direction (higher_better as is,
lower_better negated, band through its 0-100 points), over the judged rows where it has data: above 0.5
it separates churners the way the model assumes, below 0.5 it points the other way ("inverted" when the
whole clustered interval is below 0.5). A flag's is the AUC of "not fired" (1) vs "fired" (0). A flag that
fired but was never followed by the outcome within the horizon "never precedes churn".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chs_core.model import Model
from chs_core.outcomes.ranking import auc_and_lift, auc_interval, score_order
from chs_core.scoring.normalise import normalise

# Fewer judged churners than this and a verdict would be noise.
MIN_POSITIVES = 5


@dataclass(frozen=True)
class SignalCheck:
    name: str
    kind: str  # "metric" | "flag"
    component: str | None  # the metric's component (None for flags)
    coverage: float  # share of judged rows with data (flags: rows whose signals are known)
    rows: int  # judged rows with data
    positives: int  # of which followed by the outcome
    oriented_auc: float | None
    auc_ci: tuple[float, float] | None
    fired_rows: int | None  # flags only
    rate_when_fired: float | None  # flags only: outcome rate on rows where it fired
    verdict: str  # "ok", "inverted", "no signal", "never precedes churn", "too few churners", "no data"


def _verdict(a: float | None, ci, positives: int, rows: int) -> str:
    if rows == 0:
        return "no data"
    if positives < MIN_POSITIVES or a is None:
        return "too few churners"
    if ci is not None and ci[1] < 0.5:
        return "inverted"
    if ci is not None and ci[0] <= 0.5 <= ci[1]:
        return "no signal"
    return "ok"


def _auc_and_interval(s: np.ndarray, y: np.ndarray, account: np.ndarray, samples: int):
    """The oriented AUC and its clustered interval (None, None without both outcomes), from one sort."""
    order = score_order(s)
    a = auc_and_lift(s, y, order=order)[0]
    return a, auc_interval(s, y, account, samples, order=order) if a is not None else None


def metric_checks(model: Model, values: dict[str, np.ndarray], y: np.ndarray, account: np.ndarray,
                  samples: int = 100, points: set[str] = frozenset(), map_=None,
                  known: dict[str, SignalCheck] | None = None) -> list[SignalCheck]:
    """One SignalCheck per model metric: values[name] is its raw value per judged row (NaN = missing), or
    its 0-100 metric points when the name is in `points` (already oriented).
    map_: how the checks are run, e.g. workers.Workers.map to run them side by side (default one after another).
    known: checks judged before (kept), given back as they are."""
    known = known or {}

    def check(job) -> SignalCheck:
        component, m = job
        if m.name in known:
            return known[m.name]
        raw = values.get(m.name)
        if raw is None:
            return SignalCheck(m.name, "metric", component, 0.0, 0, 0, None, None, None, None, "no data")
        raw = np.asarray(raw, dtype=float)
        oriented = raw if m.name in points else {"higher_better": raw, "lower_better": -raw}.get(m.norm.direction)
        if oriented is None:
            oriented = normalise(raw, m.norm)
        has = ~np.isnan(oriented)
        yy, s = y[has], oriented[has]
        a, ci = _auc_and_interval(s, yy, account[has], samples)
        return SignalCheck(m.name, "metric", component, float(has.mean()) if len(y) else 0.0, int(has.sum()),
                           int(yy.sum()), a, ci, None, None, _verdict(a, ci, int(yy.sum()), int(has.sum())))
    return list((map_ or map)(check, [(c.name, m) for c in model.components for m in c.metrics]))


def flag_checks(model: Model, fired: dict[str, np.ndarray], known: dict[str, np.ndarray], y: np.ndarray,
                account: np.ndarray, samples: int = 100, map_=None) -> list[SignalCheck]:
    """One SignalCheck per model flag: fired[name] (bool per judged row), known[name] (its signals had data).
    map_: as metric_checks'."""
    n = len(y)

    def check(name: str) -> SignalCheck:
        hit = fired.get(name)
        if hit is None:
            return SignalCheck(name, "flag", None, 0.0, 0, 0, None, None, None, None, "no data")
        hit = np.asarray(hit, dtype=bool)
        has = np.asarray(known.get(name, np.ones(n, dtype=bool)), dtype=bool)
        s, yy = (~hit[has]).astype(float), y[has]
        a, ci = _auc_and_interval(s, yy, account[has], samples)
        fired_n = int(hit.sum())
        followed = int((hit & y).sum())
        verdict = _verdict(a, ci, int(yy.sum()), int(has.sum()))
        if fired_n > 0 and followed == 0:
            verdict = "never precedes churn"
        elif fired_n == 0 and verdict != "no data":
            verdict = "never fired"
        return SignalCheck(name, "flag", None, float(has.mean()) if n else 0.0, int(has.sum()), int(yy.sum()),
                           a, ci, fired_n, followed / fired_n if fired_n else None, verdict)
    return list((map_ or map)(check, [f.name for f in model.flags]))
