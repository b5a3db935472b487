"""compute_metrics(account_ids=...): one account's rows equal its rows in the full run, computed on their own.

Reuses the hand-built tables of test_metrics (T = 2024-06-30). The feature catalogue and the
reference month stay computed over every account, which the breadth case below pins by hand.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from chs_core.metrics.compute import compute_metrics
from chs_core.sources import dataset_from_frames
from tests.unit.test_metrics import T, _all_tables, _usage

DATES = [date(2024, 5, 31), T]


def test_filtered_rows_equal_the_full_run():
    ds = dataset_from_frames(_all_tables())
    full = compute_metrics(ds, DATES)
    for ids in (["A"], ["B", "D"], ["A", "B", "C", "D"]):
        got = compute_metrics(ds, DATES, account_ids=ids)
        want = full[full["account_id"].isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)


def test_feature_catalogue_is_over_every_account():
    # B also uses reports on 06-20 (in B's 28-day window): 1 feature in the window. Features first seen by T
    # over all accounts: reports, integrations, automation, export (search is after T) -> 4. Breadth 1/4 = 0.25;
    # a catalogue built from B's rows alone would give 1/1.
    usage = pd.concat([_usage(), pd.DataFrame([("B", "b1", "2024-06-20", "reports", 1)], columns=_usage().columns)])
    ds = dataset_from_frames({**_all_tables(), "usage_events": usage})
    row = compute_metrics(ds, [T], account_ids=["B"]).iloc[0]
    assert row["account_id"] == "B"
    assert row["feature_breadth"] == 0.25


def test_not_a_customer_or_unknown_gives_no_rows():
    ds = dataset_from_frames(_all_tables())
    assert compute_metrics(ds, [T], account_ids=["C"]).empty  # C churned before June
    assert compute_metrics(ds, [T], account_ids=["nobody"]).empty
    assert compute_metrics(ds, [T], account_ids=[]).empty
    # A quote in an id is bound as a value, never read as SQL.
    assert compute_metrics(ds, [T], account_ids=["A' OR '1'='1"]).empty
