"""`python -m chs_core refresh` stores what the pages and commands read, so afterwards nothing is computed again:
the month-end history, the score-drop alert dates of closing the loop, the work queue's dates, the backtest."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chs_core.cli import main, model_commands
from chs_core.demo.build import generate_demo
from chs_core.model import load_model
from chs_core.pipeline import check_source, history_dates, scored_frame
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import source_for
from chs_core.store import results
from tests.fixtures import write_csv_folder


@pytest.fixture
def book(tmp_path, monkeypatch):
    frames = generate_demo(seed=4, n_accounts=40, end_month=date(2026, 2, 1), n_months=14)
    monkeypatch.setenv("CHS_RESULTS_STORE", str(tmp_path / "results.duckdb"))
    return write_csv_folder(frames, tmp_path / "book")


def _nothing_computed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("refresh stored this: nothing may be computed again")

    monkeypatch.setattr(results, "compute_metrics", refuse)
    monkeypatch.setattr(results, "score_frame", refuse)
    monkeypatch.setattr(model_commands, "run_backtest", refuse)


def test_after_a_refresh_the_queue_and_the_alert_dates_are_read_not_computed(book, capsys, monkeypatch):
    assert main(["refresh", "--data", str(book)]) == 0
    said = capsys.readouterr().err
    checked = check_source(book)
    months = history_dates(checked.arr, checked.default_as_of)
    assert f"for {len(months)} month ends ({months[0]} to {months[-1]})" in said
    _nothing_computed(monkeypatch)
    assert main(["queue", "--data", str(book), "--all"]) == 0  # metrics 30, 14 and 7 days back, and at the as-of date
    assert capsys.readouterr().out.count("\n") > 30  # a row per scored account
    assert main(["backtest", "--data", str(book), "--format", "text"]) == 0  # the kept report, as judged by refresh
    assert capsys.readouterr().out.startswith("Backtest: ")
    model = load_model(DEFAULT_MODEL)
    within = timedelta(days=model.alert.within_days)
    with source_for(book).open() as ds:
        windows = scored_frame(ds, model, [d - within for d in months])  # what closing the loop compares with
    assert windows["as_of"].nunique() == len(months) and len(windows) > 100
    assert main(["refresh", "--data", str(book)]) == 0  # again: everything is there already


def test_refresh_without_the_backtest_leaves_it_to_be_judged(book, capsys, monkeypatch):
    judged = []
    real = model_commands.run_backtest
    monkeypatch.setattr(model_commands, "run_backtest", lambda *a, **k: judged.append(1) or real(*a, **k))
    assert main(["refresh", "--data", str(book), "--no-backtest"]) == 0
    assert "and the backtest" not in capsys.readouterr().err and not judged
    assert main(["backtest", "--data", str(book), "--bootstrap", "20"]) == 0 and len(judged) == 1


def test_refresh_needs_a_store(book, capsys, monkeypatch):
    monkeypatch.setenv("CHS_RESULTS_STORE", "off")
    assert main(["refresh", "--data", str(book)]) == 2
    assert "results store is off" in capsys.readouterr().err
