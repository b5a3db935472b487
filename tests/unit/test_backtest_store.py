"""`python -m chs_core backtest` from stored metrics and scores equals the backtest computed afresh, and the
bootstrap draws shared inside one backtest give the very intervals that separate draws give."""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from chs_core.cli import main
from chs_core.demo.build import generate_demo
from chs_core.outcomes.ranking import auc_difference_interval, auc_interval, shared_draws
from chs_core.store import results
from tests.fixtures import write_csv_folder


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    frames = generate_demo(seed=9, n_accounts=80, end_month=date(2026, 2, 1), n_months=18)
    return write_csv_folder(frames, tmp_path_factory.mktemp("book"))


def _backtest(capsys, monkeypatch, folder, store: str) -> dict:
    monkeypatch.setenv("CHS_RESULTS_STORE", store)
    code = main(["backtest", "--data", str(folder), "--bootstrap", "40"])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def test_backtest_from_the_store_equals_the_fresh_backtest(capsys, monkeypatch, tmp_path, book):
    fresh = _backtest(capsys, monkeypatch, book, "off")  # no store: metrics computed and scored here
    store = str(tmp_path / "results.duckdb")
    filling = _backtest(capsys, monkeypatch, book, store)  # computes, stores, and judges what it stored

    def no_scoring(*args, **kwargs):
        raise AssertionError("the scores are stored: nothing may be scored again")

    monkeypatch.setattr(results, "score_frame", no_scoring)
    monkeypatch.setattr(results, "compute_metrics", no_scoring)
    stored = _backtest(capsys, monkeypatch, book, store)  # reads metrics and scores back
    assert fresh["rows"] > 500 and fresh["churn"]["pooled"]["positives"] > 5  # a history worth judging
    assert fresh["churn"]["pooled"]["auc_ci"] is not None and fresh["diagnostics"] and fresh["baselines"]
    assert filling == fresh
    assert stored == fresh


def _book(seed: int, rows: int, accounts: int):
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 30, rows).astype(float)  # ties on purpose
    return score, rng.random(rows) < 0.15 + 0.02 * (score < 10), rng.integers(0, accounts, rows).astype(str)


def test_shared_draws_change_no_interval():
    score, y, acc = _book(5, 600, 90)
    alone = auc_interval(score, y, acc, samples=60, seed=1)
    fewer = auc_interval(score, y, acc, samples=25, seed=1)
    part = acc < "5"  # another set of accounts: its own draws
    other = auc_interval(score[part], y[part], acc[part], samples=60, seed=1)
    diff = auc_difference_interval(score, -score, y, acc, samples=60, seed=1)
    with shared_draws():
        assert auc_interval(score, y, acc, samples=60, seed=1) == alone
        assert auc_interval(score, y, acc, samples=25, seed=1) == fewer  # the first 25 of the 60 draws
        assert auc_interval(score[part], y[part], acc[part], samples=60, seed=1) == other
        assert auc_difference_interval(score, -score, y, acc, samples=60, seed=1) == diff
        assert auc_interval(score, y, acc, samples=60, seed=1) == alone


def test_learned_baseline_imputes_as_scikit_learn_does():
    from sklearn.impute import SimpleImputer

    from chs_core.outcomes.baselines import _Imputation

    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 5)).round(1)  # ties and an even count of known values: medians between two
    x[rng.random((400, 5)) < 0.3] = np.nan
    x[:, 2] = np.where(np.isnan(x[:, 2]), 1.0, x[:, 2])  # a column with nothing missing: no indicator
    later = rng.normal(size=(50, 5))
    later[rng.random((50, 5)) < 0.5] = np.nan
    reference = SimpleImputer(strategy="median", add_indicator=True).fit(x)
    mine = _Imputation(x)
    assert np.array_equal(mine(x), reference.transform(x))
    assert np.array_equal(mine(later), reference.transform(later))
