"""What the data allows, beside the configured score: renewal timing alone, and a time-split learned model.

- Renewal timing: the days to renewal as the only score (a renewal near = risk). Churn concentrates at
  renewals, so a score that barely beats this says little about health.
- Learned: a logistic regression (scikit-learn; median imputation with missing-value indicators, standardised
  inputs) on every point-in-time metric and flag signal, fitted on earlier as-of dates and tested on the
  last ones with a gap of the horizon (time_split). The configured score is measured on the same test rows.
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, replace

import numpy as np

from chs_core.outcomes.ranking import auc, auc_and_lift, auc_interval, score_order
from chs_core.outcomes.time_split import time_split


@dataclass(frozen=True)
class Baseline:
    name: str  # "renewal_timing" | "learned"
    description: str
    rows: int  # rows it is measured on
    positives: int
    auc: float | None
    auc_ci: tuple[float, float] | None
    lift_top_decile: float | None
    configured_auc: float | None  # the configured score on the same rows
    configured_lift_top_decile: float | None
    train_dates: tuple[str, ...] = ()
    test_dates: tuple[str, ...] = ()
    note: str = ""


def _measured(name: str, description: str, s: np.ndarray, y: np.ndarray, account: np.ndarray,
              configured: np.ndarray, samples: int, **extra) -> Baseline:
    ok = ~np.isnan(s)
    order = score_order(s[ok])  # one sort for the AUC, its interval and the lift
    a, lift = auc_and_lift(s[ok], y[ok], order=order) if ok.any() else (None, None)
    return Baseline(
        name, description, int(ok.sum()), int(y[ok].sum()), a,
        auc_interval(s[ok], y[ok], account[ok], samples, order=order) if a is not None and samples > 0 else None,
        lift, **_configured(configured, y, ok), **extra)


def _configured(configured: np.ndarray, y: np.ndarray, ok: np.ndarray) -> dict:
    """The configured score's AUC and lift on the rows a baseline is measured on (those it scores too)."""
    both = ok & ~np.isnan(configured)
    mine = auc_and_lift(configured[both], y[both]) if both.any() else (None, None)
    return {"configured_auc": mine[0], "configured_lift_top_decile": mine[1]}


def renewal_again(kept: Baseline, days_to_renewal: np.ndarray, y: np.ndarray, configured: np.ndarray) -> Baseline:
    """renewal_timing's own figures kept from an earlier judging of the same data, with this configured score's."""
    return replace(kept, **_configured(np.asarray(configured, dtype=float), y,
                                       ~np.isnan(np.asarray(days_to_renewal, dtype=float))))


def learned_again(kept: Baseline, as_of: np.ndarray, y: np.ndarray, configured: np.ndarray, horizon_months: int,
                  test_dates: int) -> Baseline:
    """learned's own figures kept from an earlier fit on the same data, with this configured score's on its test
    rows (the fitted model scores every test row)."""
    test = time_split(as_of, test_dates, horizon_months).masks(as_of)[1]
    c = np.asarray(configured, dtype=float)[test]
    return replace(kept, **_configured(c, y[test], np.ones(len(c), dtype=bool)))


def renewal_timing(days_to_renewal: np.ndarray, y: np.ndarray, account: np.ndarray, configured: np.ndarray,
                   samples: int = 200) -> Baseline:
    """The days to renewal as a score (more days = healthier)."""
    return _measured("renewal_timing", "Days to renewal alone: the nearer the renewal, the riskier.",
                     np.asarray(days_to_renewal, dtype=float), y, account, configured, samples)


def learned(features: dict[str, np.ndarray], as_of: np.ndarray, y: np.ndarray, account: np.ndarray,
            configured: np.ndarray, horizon_months: int, test_dates: int, samples: int = 200) -> Baseline:
    """Fit on the training dates, score the test dates with P(no outcome); see the module docstring."""
    split = time_split(as_of, test_dates, horizon_months)
    train, test = split.masks(as_of)
    dates = {"train_dates": tuple(str(d) for d in split.train_dates),
             "test_dates": tuple(str(d) for d in split.test_dates)}
    desc = (f"Logistic regression on every point-in-time metric, trained on {len(split.train_dates)} earlier "
            f"as-of dates, tested on the last {len(split.test_dates)} with a {horizon_months}-month gap.")
    names = [k for k, v in features.items() if not np.isnan(np.asarray(v, dtype=float)[train]).all()]
    if not split.usable or y[train].all() or not y[train].any() or not names or not test.any():
        return Baseline("learned", desc, int(test.sum()), int(y[test].sum()), None, None, None,
                        auc(configured[test], y[test]) if test.any() else None, None, note=(
                            "Not enough history for a time split: it needs training dates a horizon before the "
                            "test dates, with churn among them."), **dates)
    columns = [np.asarray(features[k], dtype=float) for k in names]
    fill = _Imputation(columns, train)
    model = _logistic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on tiny books; the AUC below is what counts
        model.fit(fill.matrix(columns, train), y[train])
    health = np.full(len(y), np.nan)
    health[test] = model.predict_proba(fill.matrix(columns, test))[:, 0]  # P(no outcome): higher = healthier
    m = test
    return _measured("learned", desc, health[m], y[m], account[m], np.asarray(configured)[m], samples, **dates)


class _Imputation:
    """What SimpleImputer(strategy="median", add_indicator=True) does, with np.nanmedian: each missing value
    becomes its column's median on the training rows, and a 0/1 column per input that had missing values there
    follows. Same numbers; the imputer's masked-array median sorts a masked copy of the whole training matrix
    (over a minute at 1.5M rows). Inputs come as one array per column over all judged rows, and only the rows
    asked for are copied, a column at a time (stacking the 1.4M x 25 inputs first took longer than the fit)."""

    def __init__(self, columns: list[np.ndarray], train: np.ndarray):
        fitted = [c[train] for c in columns]
        self.median = np.array([np.nanmedian(c) if len(c) else np.nan for c in fitted])
        self.indicated = np.array([bool(np.isnan(c).any()) for c in fitted], dtype=bool)

    def matrix(self, columns: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
        """The (rows x inputs and indicators) matrix of the chosen rows, in C order as scikit-learn wants it."""
        out = np.empty((int(np.count_nonzero(rows)), len(columns) + int(self.indicated.sum())))
        extra = len(columns)
        for i, c in enumerate(columns):
            values = c[rows]
            gaps = np.isnan(values)
            values[gaps] = self.median[i]
            out[:, i] = values
            if self.indicated[i]:
                out[:, extra] = gaps
                extra += 1
        return out


def import_in_background() -> None:
    """Start importing scikit-learn in a thread, so its 1-1.5 s import overlaps the reads before a fit."""
    threading.Thread(target=_logistic, name="import-sklearn", daemon=True).start()


def _logistic():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
