"""The tuning page's hot path: one model change rescored over the cached history, with summaries and backtest.

Timed: chs_core.tuning.live (rescore, figures, migration, movers) after a weight change, against a floor: the
same arithmetic written out in plain numpy on the same arrays (tuning_floor). First on the data source's own
point-in-time metrics (the 2,000-account demo by default), then at 100,000 accounts, then in Chromium: a slider
moved with the keyboard until the page shows the new migration figures (tuning_browser).

The 100,000-account history is synthetic: the source's own metrics history copied until it holds 100,000
accounts (new account ids, every metric of each copy scaled by its own random factor in 0.95-1.05 per row, so
ranks and ties are not copies of each other), with the ARR history copied alike. It has the point-in-time
metrics frame's exact columns and types at 100,000 accounts x the source's months; computing the real
metrics of a 100,000-account demo takes many minutes, and the live path only ever sees the cached arrays.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from chs_core.model import edits, load_model
from chs_core.pipeline import check_source, history_dates, metrics_with_accounts
from chs_core.sources import open_dataset
from chs_core.tuning.live import figures, migration, movers, prepare_history, rescore
from scripts.benchmarks.common import REPO, Context, Row, timed
from scripts.benchmarks.tuning_browser import slider_to_figures
from scripts.benchmarks.tuning_floor import groups, numpy_floor

BIG_BOOK = 100_000


def _live_row(label: str, h, model, draft, repeat: int) -> Row:
    before = rescore(h, model)

    def live():
        r = rescore(h, draft)
        return figures(h, r), migration(h, before, r), movers(h, before, r)

    row_groups = groups(h, draft)
    t, _ = timed(live, repeat)
    floor, plain = timed(lambda: numpy_floor(h, draft, row_groups, before.score, before.tier), repeat)
    assert np.allclose(plain[0], rescore(h, draft).score, equal_nan=True), "the floor must compute the same scores"
    ours = figures(h, rescore(h, draft)).churn
    assert np.isclose(plain[1][0][0], ours.auc) and np.isclose(plain[1][0][1], ours.lift_top_decile), \
        "the floor must compute the same AUC and lift"
    n_accounts = len(pd.unique(h.account_id))
    return Row(f"tuning{label}: one weight change, rescore {len(h.account_id):,} account-months + summaries + "
               f"backtest figures ({n_accounts:,} accounts)", t, floor)


def copied_book(metrics: pd.DataFrame, arr: pd.DataFrame, accounts: int, seed: int = 0):
    """The metrics history and ARR months copied until they hold `accounts` accounts (see the module docstring)."""
    copies = -(-accounts // metrics["account_id"].nunique())
    rng = np.random.default_rng(seed)
    numeric = [c for c in metrics.columns if c != "arr" and pd.api.types.is_float_dtype(metrics[c])]
    books, months = [], []
    for i in range(copies):
        m = metrics.copy()
        m["account_id"] = m["account_id"] + f"~{i}"
        if i:
            m[numeric] = m[numeric].to_numpy() * rng.uniform(0.95, 1.05, (len(m), len(numeric)))
        books.append(m)
        months.append(arr.assign(account_id=arr["account_id"] + f"~{i}"))
    return pd.concat(books, ignore_index=True), pd.concat(months, ignore_index=True)


def run(ctx: Context) -> list[Row]:
    checked = check_source(ctx.data)
    model = load_model(REPO / "model.yaml")
    with open_dataset(ctx.data) as ds:
        metrics = metrics_with_accounts(ds, history_dates(checked.arr, checked.default_as_of), model.signals)
    end = checked.completeness.end_month
    h = prepare_history(metrics, checked.arr, 3, end)
    draft = edits.with_component_weight(model, "financial", 30)
    rows = [_live_row("", h, model, draft, max(ctx.repeat, 5))]
    t, _ = timed(lambda: figures(h, rescore(h, draft), samples=200), 1)
    rows.append(Row("tuning: the same with 200-replicate clustered AUC intervals (on request)", t))

    t, big_h = timed(lambda: prepare_history(*copied_book(metrics, checked.arr, BIG_BOOK), 3, end), 1)
    rows.append(Row(f"tuning at {BIG_BOOK:,}: copy the book and prepare the history arrays and labels (once per source, cached)", t))
    rows.append(_live_row(f" at {BIG_BOOK:,}", big_h, model, draft, max(ctx.repeat, 3)))
    del big_h
    return rows + slider_to_figures(ctx)
