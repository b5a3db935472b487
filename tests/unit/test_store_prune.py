"""The results store keeps a bounded number of entries: the least recently used model versions and data go."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from chs_core.demo.build import generate_demo
from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.sources import FramesSource
from chs_core.store import ResultsStore
from chs_core.store.fingerprint import signals_key

DATES = month_end_dates(date(2025, 10, 1), date(2026, 1, 31))  # 4 month ends


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate_demo(seed=9, n_accounts=30, end_month=date(2026, 1, 1), n_months=8)


def _entries(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT kind, key, as_of FROM done ORDER BY kind, key, as_of").fetchall()
    finally:
        con.close()


def test_the_least_recently_used_settings_are_dropped_and_the_rest_still_equal_fresh_results(frames, tmp_path,
                                                                                             monkeypatch):
    monkeypatch.setenv("CHS_RESULTS_STORE_ENTRIES", "6")  # room for one and a half histories of 4 dates
    store = ResultsStore(tmp_path / "store.duckdb")
    old, new = SignalSettings(), SignalSettings(key_features=("reports",))
    with FramesSource(frames).open() as ds:
        store.metrics(ds, "src", DATES, old)  # 4 entries
        store.metrics(ds, "src", DATES, new)  # 4 more: 8 > 6, the two oldest of `old` go
        kept = _entries(store.path)
        assert len(kept) == 6
        by_key = pd.Series([k for _, k, _ in kept]).value_counts()
        assert sorted(by_key.tolist()) == [2, 4]  # all four of `new`, the two latest dates of `old`
        assert {d for _, k, d in kept if by_key[k] == 2} == set(DATES[2:])
        # What is kept still reads back equal to a fresh computation; what went is computed again.
        pd.testing.assert_frame_equal(store.metrics(ds, "src", DATES[2:], old), compute_metrics(ds, DATES[2:], old))
        pd.testing.assert_frame_equal(store.metrics(ds, "src", DATES, new), compute_metrics(ds, DATES, new))


def test_reading_an_entry_keeps_it(frames, tmp_path):
    store = ResultsStore(tmp_path / "store.duckdb")
    a, b = SignalSettings(), SignalSettings(key_features=("reports",))
    with FramesSource(frames).open() as ds:
        store.metrics(ds, "src", DATES[:1], a)
        store.metrics(ds, "src", DATES[:1], b)
        store.metrics(ds, "src", DATES[:1], a)  # a read: `a` is now the most recent
    assert store.prune(keep=1) == 1
    (entry,) = _entries(store.path)
    assert entry[2] == DATES[0]
    assert entry[1] == signals_key(a)
