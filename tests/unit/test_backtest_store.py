"""`python -m chs_core backtest` from stored metrics and scores equals the backtest computed afresh, a backtest
asked again is read back until its data, model or options change, and the bootstrap draws shared inside one
backtest give the very intervals that separate draws give."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from chs_core.cli import main, model_commands
from chs_core.demo.build import generate_demo
from chs_core.model import load_model, save_model
from chs_core.model.edits import with_component_weight
from chs_core.outcomes.ranking import auc_difference_interval, auc_interval, shared_draws
from chs_core.settings import DEFAULT_MODEL
from chs_core.store import results
from tests.fixtures import write_csv_folder


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    frames = generate_demo(seed=9, n_accounts=80, end_month=date(2026, 2, 1), n_months=18)
    return write_csv_folder(frames, tmp_path_factory.mktemp("book"))


def _backtest(capsys, monkeypatch, folder, store: str, *extra: str) -> dict:
    monkeypatch.setenv("CHS_RESULTS_STORE", store)
    code = main(["backtest", "--data", str(folder), "--bootstrap", "40", *extra])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out) if "text" not in extra else out


def test_backtest_from_the_store_equals_the_fresh_backtest(capsys, monkeypatch, tmp_path, book):
    fresh = _backtest(capsys, monkeypatch, book, "off")  # no store: metrics computed and scored here
    store = str(tmp_path / "results.duckdb")
    filling = _backtest(capsys, monkeypatch, book, store)  # stores the metrics; scores them in memory (lean)
    assert main(["refresh", "--data", str(book), "--no-backtest"]) == 0  # stores the model's scores
    capsys.readouterr()

    def no_scoring(*args, **kwargs):
        raise AssertionError("the scores are stored: nothing may be scored again")

    monkeypatch.setattr(results, "score_frame", no_scoring)
    monkeypatch.setattr(model_commands, "score_frame", no_scoring)
    monkeypatch.setattr(results, "compute_metrics", no_scoring)
    monkeypatch.setattr(model_commands, "kept_backtest", lambda *a: None)  # judge again, from stored scores
    stored = _backtest(capsys, monkeypatch, book, store)  # reads metrics and scores back
    assert fresh["rows"] > 500 and fresh["churn"]["pooled"]["positives"] > 5  # a history worth judging
    assert fresh["churn"]["pooled"]["auc_ci"] is not None and fresh["diagnostics"] and fresh["baselines"]
    assert filling == fresh
    assert stored == fresh


def test_a_backtest_asked_again_is_read_back_until_what_it_judges_changes(capsys, monkeypatch, tmp_path, book):
    book = Path(shutil.copytree(book, tmp_path / "book"))  # its accounts change below
    store = str(tmp_path / "results.duckdb")
    judged = []
    real = model_commands.run_backtest
    monkeypatch.setattr(model_commands, "run_backtest", lambda *a, **k: judged.append(1) or real(*a, **k))
    first = _backtest(capsys, monkeypatch, book, store)
    text = _backtest(capsys, monkeypatch, book, store, "--format", "text")
    assert len(judged) == 1  # the text came from the kept report
    assert _backtest(capsys, monkeypatch, book, store) == first and len(judged) == 1
    assert text.startswith("Backtest: ") and f"{first['rows']:,} scores" in text
    assert _backtest(capsys, monkeypatch, book, store, "--fresh") == first and len(judged) == 2  # judged again
    judged.clear()

    assert _backtest(capsys, monkeypatch, book, store, "--horizon-months", "2")["horizon_months"] == 2
    assert len(judged) == 1  # another option: judged afresh
    model = load_model(DEFAULT_MODEL)
    heavier = model.components[0].weight + 5
    save_model(with_component_weight(model, model.components[0].name, heavier), tmp_path / "heavier.yaml")
    other = _backtest(capsys, monkeypatch, book, store, "--model", str(tmp_path / "heavier.yaml"))
    assert len(judged) == 2 and other != first  # another model: judged afresh
    accounts = book / "accounts.csv"
    accounts.write_text(accounts.read_text().replace("Enterprise", "Mid-Market", 1))  # one account moves segment
    moved = _backtest(capsys, monkeypatch, book, store)
    assert len(judged) == 3  # changed data: judged afresh
    assert moved["rows"] == first["rows"]


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
    both = np.vstack([x, later])
    train = np.r_[np.ones(len(x), dtype=bool), np.zeros(len(later), dtype=bool)]
    mine = _Imputation(list(both.T), train)  # one array per column over all rows, fitted on the first 400
    assert np.array_equal(mine.matrix(list(both.T), train), reference.transform(x))
    assert np.array_equal(mine.matrix(list(both.T), ~train), reference.transform(later))


def test_a_reweighted_model_reuses_the_kept_parts_of_the_same_data(capsys, monkeypatch, tmp_path, book):
    from chs_core.outcomes import baselines

    book = Path(shutil.copytree(book, tmp_path / "book"))  # its accounts change below
    store = str(tmp_path / "results.duckdb")
    _backtest(capsys, monkeypatch, book, store)  # judges the default model: its model-free parts are kept
    model = load_model(DEFAULT_MODEL)
    save_model(with_component_weight(model, model.components[0].name, model.components[0].weight + 5),
               tmp_path / "heavier.yaml")
    fresh = _backtest(capsys, monkeypatch, book, "off", "--model", str(tmp_path / "heavier.yaml"))
    fitted = []
    real = baselines.learned
    monkeypatch.setattr(baselines, "learned", lambda *a, **k: fitted.append(1) or real(*a, **k))
    kept = _backtest(capsys, monkeypatch, book, store, "--model", str(tmp_path / "heavier.yaml"))
    assert kept == fresh and fitted == []  # the learned baseline was not fitted again, and nothing differs
    assert _backtest(capsys, monkeypatch, book, store, "--model", str(tmp_path / "heavier.yaml"), "--fresh") == fresh
    assert fitted == [1]  # --fresh judges every part again
    accounts = book / "accounts.csv"
    accounts.write_text(accounts.read_text().replace("Enterprise", "Mid-Market", 1))  # one account moves segment
    _backtest(capsys, monkeypatch, book, store, "--model", str(tmp_path / "heavier.yaml"))
    assert fitted == [1, 1]  # changed data: fitted again
