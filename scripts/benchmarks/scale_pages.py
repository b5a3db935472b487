"""The app's other pages at scale from stored results: closing the loop, the at-risk work queue, Data and tuning,
each opened first in a new AppTest process (empty Streamlit caches; peak memory is that process's max RSS).

python scripts/benchmark.py --accounts 100000 --only scale_pages
The results store is the one the scale section filled (/tmp/chs-bench/<data>.store.duckdb, or CHS_BENCH_STORE;
filled first when missing), copied so the measurement never changes it. A CLI run (`score`) stores today's validation first, as in
scale_app. Closing the loop compares each month end's scores with those alert.within_days before (23 dates that are
not month ends): it is opened once with those dates not stored (it computes and stores them), then, on a second
copy, after `store:alerts` stored their metrics (the fill a scheduled refresh would run), with every page after it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts.benchmarks.common import REPO, Context, Row
from scripts.benchmarks.scale import WORK, _cli, _row, _task

PAGES = ("loop", "at_risk", "data_quality", "tuning")


def _first_visit(page: str, data: Path, store: Path) -> dict:
    code = ("import json, resource, time\n"
            "from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({str(REPO / 'app.py')!r}, default_timeout=1500)\n"
            f"at.switch_page('app_pages/{page}.py')\n"
            "t, c = time.perf_counter(), time.process_time(); at.run(); s = time.perf_counter() - t\n"
            "assert not at.exception, at.exception\n"
            "print(json.dumps({'seconds': s, 'cpu_seconds': time.process_time() - c,\n"
            "                  'peak_gb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "CHS_DATA": str(data), "CHS_RESULTS_STORE": str(store)})
    if out.returncode:
        raise SystemExit(f"{page} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> list[Row]:
    store = Path(os.environ.get("CHS_BENCH_STORE") or WORK / f"{ctx.data.stem}.store.duckdb")
    if not store.exists():
        _task("store:history", ctx.data, store)
    copy, rows = WORK / f"{ctx.data.stem}.pages-store.duckdb", []
    try:
        shutil.copyfile(store, copy)
        _cli("score", ctx.data, copy)  # today's validation stored, as a CLI user would have
        rows.append(_row("closing the loop, first visit, alert-window dates not stored (computed and stored)",
                         _first_visit("loop", ctx.data, copy)))
        shutil.copyfile(store, copy)
        _cli("score", ctx.data, copy)
        rows.append(_row("metrics at the 23 alert-window dates, stored once (store:alerts)",
                         _task("store:alerts", ctx.data, copy)))
        for page in PAGES:
            rows.append(_row(f"{page} page, first visit from stored results (new AppTest process)",
                             _first_visit(page, ctx.data, copy)))
    finally:
        copy.unlink(missing_ok=True)
    return rows

