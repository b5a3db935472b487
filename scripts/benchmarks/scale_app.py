"""The app rows of the scale section alone: the executive page's first load from stored results and a warm
control change (AppTest process; peak memory is that process's max RSS), without re-measuring the metrics.

python scripts/benchmark.py --accounts 100000 --only scale_app
The results store is the one the scale section filled (/tmp/chs-bench/<data>.store.duckdb); when it is missing
it is filled first (every month's metrics: minutes at 100k). It is copied, so the measurement never changes it.
As in the scale section, a CLI run (`score`) comes first: a large source's validation is stored once per day
(chs_core.store.checked), and without it the first page would include a whole validation (~30 CPU-s at 100k).
"""
from __future__ import annotations

import shutil

from scripts.benchmarks.common import Context, Row
from scripts.benchmarks.scale import WORK, _app_first_page, _cli, _row, _task


def run(ctx: Context) -> list[Row]:
    store = WORK / f"{ctx.data.stem}.store.duckdb"
    if not store.exists():
        _task("store:history", ctx.data, store)
    copy = WORK / f"{ctx.data.stem}.app-store.duckdb"
    shutil.copyfile(store, copy)
    try:
        _cli("score", ctx.data, copy)  # today's validation and the as-of scores stored, as a CLI user would have
        app = _app_first_page(ctx.data, copy)
    finally:
        copy.unlink(missing_ok=True)
    return [_row("app first page (executive) from stored results, empty Streamlit caches (AppTest process)", app),
            Row("app: switch the period to one seen before (warm rerun, AppTest; Chromium: --only browser)",
                app["warm_seconds"])]
