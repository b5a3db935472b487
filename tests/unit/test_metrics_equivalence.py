"""The window-joined metric SQL gives the same values as the first, plain range-join implementation.

tests/reference/metrics_v1 holds the original SQL (every event up to each as-of date read through
range joins); it is the second method here. Compared on the six-account book, on the hand-made
tables of test_metrics (every window edge) and on a small generated demo with every table, for one
date, every month end, odd dates, and single-account slices.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from chs_core.demo.build import generate_demo
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.sources import dataset_from_frames
from tests.fixtures import six_accounts
from tests.reference.metrics_v1 import reference_metrics
from tests.unit.test_metrics import T, _all_tables


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    # Sums of weights may add up in another order: equal to 1e-9 relative, NaN where NaN.
    pd.testing.assert_frame_equal(new, old, rtol=1e-9, atol=1e-12, check_exact=False)


@pytest.fixture(scope="module")
def demo_frames() -> dict[str, pd.DataFrame]:
    return generate_demo(seed=5, n_accounts=120, end_month=date(2026, 3, 1), n_months=14)


def test_six_account_book_every_month_end():
    dates = month_end_dates(date(2025, 1, 1), date(2026, 3, 31))
    with dataset_from_frames(six_accounts()) as ds:
        new, old = compute_metrics(ds, dates), reference_metrics(ds, dates)
    assert len(new) == 6 * 15 - 2 - 9 - 1  # A unpaid Feb/Mar 2026, E from Oct 2025, F gone in Mar 2026
    _same(new, old)


@pytest.mark.parametrize("when", [T, date(2024, 6, 1), date(2024, 7, 15), date(2024, 3, 31)])
def test_hand_made_tables_at_window_edges(when):
    with dataset_from_frames(_all_tables()) as ds:
        _same(compute_metrics(ds, [when]), reference_metrics(ds, [when]))


def test_small_demo_history_and_odd_dates(demo_frames):
    dates = month_end_dates(date(2025, 3, 1), date(2026, 3, 31)) + [date(2025, 7, 4), date(2026, 2, 14)]
    with dataset_from_frames(demo_frames) as ds:
        new, old = compute_metrics(ds, dates), reference_metrics(ds, dates)
    assert len(new) > 1000
    assert new["active_user_ratio"].notna().mean() > 0.9  # the comparison covers real usage, not NaNs
    _same(new, old)


def test_single_account_slices_equal_the_full_computation(demo_frames):
    dates = month_end_dates(date(2025, 9, 1), date(2026, 3, 31))
    with dataset_from_frames(demo_frames) as ds:
        full = reference_metrics(ds, dates)
        some = sorted(full["account_id"].unique())[::17]
        sliced = compute_metrics(ds, dates, account_ids=some)
        nobody = compute_metrics(ds, dates, account_ids=[])
    expected = full[full["account_id"].isin(some)].reset_index(drop=True)
    _same(sliced, expected)
    assert nobody.empty and list(nobody.columns) == list(full.columns)


def test_no_dates_give_no_rows_with_the_same_columns():
    with dataset_from_frames(six_accounts()) as ds:
        empty, one = compute_metrics(ds, []), compute_metrics(ds, [date(2025, 6, 30)])
        _same(empty, reference_metrics(ds, []))
    assert empty.empty and list(empty.columns) == list(one.columns)
