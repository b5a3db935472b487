"""On a book whose signals are independent of churn, nothing may look predictive, and no gain is claimed.

Every metric and flag signal is random noise, churn is a coin flip each month (3 %), and the scores come from
the default model on that noise (tests/synthetic_books.py). Every AUC the backtest reports must then be near
0.5 (its interval around 0.5), the learned baseline included, and the suggested weights must claim no gain:
a score that "predicts" noise would be overfitting or leakage.
"""
from __future__ import annotations

import pytest

from chs_core.model import load_model
from chs_core.outcomes.backtest import run_backtest
from chs_core.scoring import score_frame
from chs_core.settings import DEFAULT_MODEL
from chs_core.tuning import suggest_weights
from tests.synthetic_books import book


@pytest.fixture(scope="module")
def noise():
    arr, metrics = book()
    model = load_model(DEFAULT_MODEL)
    return arr, metrics, score_frame(metrics, model).frame, model


def test_every_auc_is_near_one_half(noise):
    arr, metrics, scored, model = noise
    bt = run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=3, samples=60)
    assert bt.churn.pooled.positives > 100  # enough churn for the figures to mean something
    for report in (bt.churn, bt.churn_or_contraction):
        q = report.pooled
        assert abs(q.auc - 0.5) < 0.05 and q.auc_ci[0] < 0.5 < q.auc_ci[1]
        assert abs(q.lift_top_decile - 1) < 0.3
    for check in bt.diagnostics:
        assert check.oriented_auc is None or abs(check.oriented_auc - 0.5) < 0.06, check
    learned = next(b for b in bt.baselines if b.name == "learned")
    assert learned.train_dates and abs(learned.auc - 0.5) < 0.06


def test_suggestion_claims_no_gain_on_noise(noise):
    arr, metrics, _, model = noise
    s = suggest_weights(metrics, arr, model, horizon_months=3, samples=100)
    assert not s.gain
    assert s.auc_gain_ci[0] <= 0 and abs(s.suggested.auc - 0.5) < 0.06
    assert any("No reliable gain" in line for line in s.summary)


def test_threads_change_no_figure(noise, monkeypatch):
    # The backtest judges its reports, checks and baselines side by side; one thread must give the same report.
    arr, metrics, scored, model = noise
    monkeypatch.setenv("CHS_BACKTEST_THREADS", "3")
    side_by_side = run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=3, samples=30).to_dict()
    monkeypatch.setenv("CHS_BACKTEST_THREADS", "1")
    alone = run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=3, samples=30).to_dict()
    assert side_by_side == alone
    assert len(alone["diagnostics"]) == len(model.metric_names()) + len(model.flags)


class _Parts:
    """A dict standing in for the results store's kept parts (store.reports.KeptParts)."""

    def __init__(self):
        self.kept, self.asked = {}, []

    def get(self, names):
        self.asked.append(list(names))
        return {n: self.kept[n] for n in names if n in self.kept}

    def put(self, parts):
        self.kept.update(parts)


def test_a_reweighted_draft_reads_back_the_parts_its_weights_do_not_change(noise):
    # Second method: the same draft judged from scratch, without kept parts.
    from chs_core.model.edits import with_thresholds, with_weights

    arr, metrics, scored, model = noise
    parts = _Parts()
    run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=3, samples=30, parts=parts)
    names = set(parts.kept)
    assert any(n.startswith("learned/") for n in names) and sum(n.startswith("metric/") for n in names) >= 15
    component = model.components[0]
    draft = with_weights(model, {component.name: component.weight * 3})  # reweighted only
    metric = component.metrics[0]
    banded = with_thresholds(model, component.name, metric.name, good=metric.norm.good * 1.5)  # one band moved
    for other in (draft, banded):
        again = score_frame(metrics, other).frame
        kept = run_backtest(again, arr, model=other, metrics=metrics, horizon_months=3, samples=30, parts=parts)
        fresh = run_backtest(again, arr, model=other, metrics=metrics, horizon_months=3, samples=30)
        assert kept.to_dict() == fresh.to_dict()
    assert len(parts.kept) == len(names) + 1  # the moved metric was judged again, under its own name
