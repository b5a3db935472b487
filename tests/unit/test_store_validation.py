"""A large unchanged file source is validated once: later checks get the very same problems from the results
store, on later days too once every past-only date is behind them; a rewritten file, a day that some date is
still ahead of, a new year, another setting or a small source validates afresh."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from chs_core.demo.build import build_demo_database
from chs_core.pipeline import check_source
from chs_core.sources import source_for
from chs_core.store import checked
from chs_core.validation import validate_dataset

TODAY = date(2025, 7, 15)


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A small demo file with one negative event count (an error) and one padded id (a warning)."""
    path = build_demo_database(tmp_path / "book.duckdb", seed=5, n_accounts=30, end_month=date(2025, 6, 1), n_months=4)
    con = duckdb.connect(str(path))
    con.execute("UPDATE usage_events SET event_count = -3 WHERE rowid = 0")
    con.execute("UPDATE tickets SET ticket_id = ' ' || ticket_id || ' ' WHERE rowid = 0")
    con.close()
    monkeypatch.setenv("CHS_RESULTS_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("CHS_VALIDATION_CACHE_ROWS", "1")
    return path


@pytest.fixture
def runs(monkeypatch):
    """Counts the validations that really scanned the data."""
    calls = []
    real = checked.validate_dataset

    def counting(ds, today=None):
        calls.append(today)
        return real(ds, today)

    monkeypatch.setattr(checked, "validate_dataset", counting)
    return calls


def test_the_second_check_reuses_the_same_problems(source, runs):
    first = check_source(source, TODAY)
    second = check_source(source, TODAY)
    assert len(runs) == 1
    assert second.problems == first.problems
    messages = [str(p) for p in first.problems]
    assert any("usage_events.event_count: negative event count" in m for m in messages)
    assert any(m.startswith("WARNING tickets.ticket_id: ids with spaces around them") for m in messages)


def test_later_days_reuse_it_once_every_past_date_is_behind_them(source, runs):
    first = check_source(source, TODAY)  # the data ends in June 2025
    later = check_source(source, date(2025, 12, 31))
    assert len(runs) == 1
    with source_for(source).open() as ds:  # a second method: validated afresh on that day
        assert later.problems == tuple(validate_dataset(ds, date(2025, 12, 31))) == first.problems
    check_source(source, date(2026, 1, 1))  # a new year moves the plausible-date bound
    assert len(runs) == 2


def test_a_day_some_dates_are_still_ahead_of_validates_for_itself(source, runs):
    inside = check_source(source, date(2025, 6, 10))  # June's later events lie after this day
    assert any("dates after today 2025-06-10" in str(p) for p in inside.problems)
    check_source(source, date(2025, 6, 10))
    assert len(runs) == 1
    nearer = check_source(source, date(2025, 6, 20))
    assert len(runs) == 2
    assert any("dates after today 2025-06-20" in str(p) for p in nearer.problems)
    assert not any("dates after today" in str(p) for p in check_source(source, TODAY).problems)
    assert len(runs) == 3


def test_a_rewritten_file_or_another_setting_validates_again(source, runs, monkeypatch):
    check_source(source, TODAY)
    monkeypatch.setenv("CHS_UNMATCHED_ERROR_SHARE", "0.5")
    check_source(source, TODAY)
    assert len(runs) == 2
    con = duckdb.connect(str(source))
    con.execute("UPDATE usage_events SET event_count = 3 WHERE event_count < 0")
    con.close()
    fixed = check_source(source, TODAY)
    assert len(runs) == 3
    assert not any("negative event count" in str(p) for p in fixed.problems)


def test_a_source_below_the_row_threshold_is_always_validated(source, runs, monkeypatch):
    monkeypatch.setenv("CHS_VALIDATION_CACHE_ROWS", str(10 ** 9))
    check_source(source, TODAY)
    check_source(source, TODAY)
    assert len(runs) == 2


def test_without_a_store_every_check_validates(source, runs, monkeypatch):
    monkeypatch.setenv("CHS_RESULTS_STORE", "off")
    check_source(source, TODAY)
    check_source(source, TODAY)
    assert len(runs) == 2
