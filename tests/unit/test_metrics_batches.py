"""A long history is computed a few as-of dates per query (metrics_batch_dates): the rows equal one query over all."""
from datetime import date

import pandas as pd
import pytest

from chs_core.demo.build import generate_demo
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.sources import FramesSource

DATES = month_end_dates(date(2025, 6, 1), date(2026, 2, 28)) + [date(2026, 2, 14)]  # 9 month ends and a mid-month


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate_demo(seed=9, n_accounts=60, end_month=date(2026, 2, 1), n_months=12)


@pytest.mark.parametrize("batch", ["1", "4"])
def test_batched_rows_equal_one_query_over_every_date(frames, monkeypatch, batch):
    with FramesSource(frames).open() as ds:
        monkeypatch.setenv("CHS_METRICS_BATCH_DATES", "100")
        whole = compute_metrics(ds, DATES)
        monkeypatch.setenv("CHS_METRICS_BATCH_DATES", batch)
        batched = compute_metrics(ds, DATES)
        scoped = compute_metrics(ds, DATES, account_ids=["ACC-00003", "ACC-00007"])
    assert whole["as_of"].nunique() == len(DATES) and len(whole) > 400
    pd.testing.assert_frame_equal(batched, whole)
    mine = whole[whole["account_id"].isin(["ACC-00003", "ACC-00007"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(scoped, mine)


def test_a_scoped_run_takes_as_many_dates_per_query_as_the_same_account_dates_over_the_book(frames, monkeypatch):
    """60 accounts, batches of 1 date: the whole book runs one query per date (10); 2 accounts may take 1 x 60 / 2 =
    30 dates per query, so their 10 dates are one query (what keeps one account's daily history fast)."""
    import chs_core.metrics.compute as compute

    calls = []
    real = compute._compute_batch
    monkeypatch.setattr(compute, "_compute_batch", lambda ds, batch, *rest: calls.append(len(batch)) or real(
        ds, batch, *rest))
    monkeypatch.setenv("CHS_METRICS_BATCH_DATES", "1")
    with FramesSource(frames).open() as ds:
        book = ds.scalar("SELECT count(DISTINCT account_id) FROM arr_monthly")
        compute_metrics(ds, DATES)
        assert calls == [1] * len(DATES)
        calls.clear()
        compute_metrics(ds, DATES, account_ids=["ACC-00003", "ACC-00007"])
    assert book == 60 and calls == [len(DATES)]
