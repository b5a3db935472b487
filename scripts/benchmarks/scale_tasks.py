"""Heavy scale measurements, each run in its own process so its peak memory can be read.

python scripts/benchmarks/scale_tasks.py TASK DATA [STORE] prints {"seconds": s, "cpu_seconds": c, "peak_gb": g,
"rows": n}.
The floor is a minimal hand-written DuckDB query of the usage metrics (range join, DISTINCT counts)
on a connection with the same memory limit: what an analyst would write for those numbers.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

FLOOR_USAGE = """
WITH d AS (SELECT DISTINCT unnest($dates::DATE[]) AS as_of),
e AS (SELECT account_id, user_id, event_date, feature, event_count FROM usage_events
      WHERE event_date > $lo AND event_date <= $hi)
SELECT d.as_of, e.account_id,
       count(DISTINCT e.user_id) FILTER (WHERE e.event_date > d.as_of - 28) AS active_users,
       count(DISTINCT e.user_id) FILTER (WHERE e.event_date > d.as_of - 28
                                         AND list_contains($key, lower(e.feature))) AS key_users,
       sum(e.event_count) FILTER (WHERE e.event_date > d.as_of - 28) AS events_28d,
       sum(e.event_count) FILTER (WHERE e.event_date <= d.as_of - 28) AS events_prior,
       count(DISTINCT e.feature) FILTER (WHERE e.event_date > d.as_of - 28) AS features_28d
FROM d JOIN e ON e.event_date > d.as_of - 56 AND e.event_date <= d.as_of
GROUP BY ALL
"""


def _dates(data: str, which: str):
    from chs_core.pipeline import check_source, history_dates

    checked = check_source(data)
    dates = history_dates(checked.arr, checked.default_as_of)
    if which == "alerts":  # the dates the score-drop alerts of the history compare with (closing the loop)
        from chs_core.model import load_model
        from chs_core.outcomes.loop_report import alert_window_dates
        from chs_core.settings import DEFAULT_MODEL

        return alert_window_dates(dates, load_model(DEFAULT_MODEL).alert.within_days)
    return dates if which == "history" else dates[-1:]


def _usage_only(ds, dates) -> int:
    """The product's usage metrics alone (its _m_usage part), batched as compute_metrics batches its dates."""
    from chs_core.metrics import compute as c
    from chs_core.metrics.catalog import SignalSettings
    from chs_core.settings import setting

    full = c._query(False)
    sql = full[:full.index('\nSELECT "account_id"')] + "\nSELECT count(*) FROM _m_usage"
    step, rows = setting("metrics_batch_dates"), 0
    for i in range(0, len(dates), step):
        batch = dates[i:i + step]
        params = {**c._params(ds, SignalSettings()), "as_of_dates": batch, **c._bounds(batch)}
        rows += ds.scalar(sql, {k: params[k] for k in set(c._PARAM.findall(sql))})
    return rows


def run_task(task: str, data: str, store: str | None, dates) -> int:
    from datetime import timedelta

    from chs_core.metrics.catalog import SignalSettings
    from chs_core.metrics.compute import compute_metrics
    from chs_core.sources import source_for
    from chs_core.store import ResultsStore

    kind, _, which = task.partition(":")
    if kind == "validate":
        from chs_core.pipeline import check_source

        return len(check_source(data).problems)
    source = source_for(data)
    with source.open() as ds:
        if kind == "metrics":
            return len(compute_metrics(ds, dates))
        if kind == "usage":
            return _usage_only(ds, dates)
        if kind == "floor":
            params = {"dates": dates, "lo": dates[0] - timedelta(days=56), "hi": dates[-1],
                      "key": list(SignalSettings().key_features)}
            return len(ds.df(FLOOR_USAGE, params))
        if kind == "store":  # the store as it is (filled by an earlier task): computes what is missing
            return len(ResultsStore(store).metrics(ds, source.key, dates))
    raise SystemExit(f"unknown task {task}")


if __name__ == "__main__":
    task, data = sys.argv[1], sys.argv[2]
    store = sys.argv[3] if len(sys.argv) > 3 else None
    os.environ.setdefault("CHS_RESULTS_STORE", "off")
    kind, _, which = task.partition(":")
    dates = None if kind == "validate" else _dates(data, which or "history")  # not timed: it validates the source
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    rows = run_task(task, data, store, dates)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime  # a shared machine's load barely moves it
    peak = usage.ru_maxrss / 1024 ** 2  # KiB -> GiB
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_gb": peak, "rows": rows}))
