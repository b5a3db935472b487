"""Cohorts and closing the loop: the retention triangle, the loop report from a scored history, both CLIs."""
from __future__ import annotations

import subprocess
import sys

import duckdb

from chs_core.kpis.cohorts import COHORT_BY, cohort_accounts, cohort_table
from chs_core.model import load_model
from chs_core.outcomes.loop import touch_activities
from chs_core.outcomes.loop_report import alert_window_dates, loop_report
from chs_core.pipeline import check_source, history_dates, score_dates
from chs_core.sources import open_dataset
from scripts.benchmarks.common import REPO, Context, Row, timed

# The floor: paying accounts per start-quarter cohort and month since start, straight from the tables.
FLOOR_SQL = """
WITH s AS (SELECT account_id, date_trunc('month', customer_since) AS start FROM accounts
           WHERE customer_since IS NOT NULL),
     a AS (SELECT account_id, date_trunc('month', month) AS m, sum(arr) AS arr FROM arr_monthly GROUP BY ALL)
SELECT date_trunc('quarter', s.start) AS cohort, datediff('month', s.start, a.m) AS age,
       count(*) FILTER (WHERE a.arr > 0) AS paying
FROM s JOIN a USING (account_id) WHERE a.m >= s.start GROUP BY ALL
"""


def run(ctx: Context) -> list[Row]:
    checked = check_source(ctx.data)
    model = load_model(REPO / "model.yaml")
    as_of = checked.default_as_of
    dates = history_dates(checked.arr, as_of)
    with open_dataset(ctx.data) as ds:
        accounts = cohort_accounts(ds)
        history = score_dates(ds, model, dates).frame
        alerts = score_dates(ds, model, alert_window_dates(dates, model.alert.within_days)).frame
        activities = touch_activities(ds)
    con = duckdb.connect(str(ctx.data), read_only=True) if str(ctx.data).endswith(".duckdb") else None
    floor = None
    if con is not None:
        floor, _ = timed(lambda: con.execute(FLOOR_SQL).fetchall(), ctx.repeat)
        con.close()
    rows = []
    t, table = timed(lambda: cohort_table(accounts, checked.arr, "start_quarter", checked.completeness.end_month),
                     ctx.repeat)
    rows.append(Row(f"cohort triangle by start quarter ({int(table.sizes.sum()):,} accounts, logo and NRR)", t, floor,
                    "floor: paying counts per cohort and month in one DuckDB query"))
    t, _ = timed(lambda: [cohort_table(accounts, checked.arr, by, checked.completeness.end_month) for by in COHORT_BY],
                 ctx.repeat)
    rows.append(Row(f"cohort triangles, all {len(COHORT_BY)} groupings", t))
    t, report = timed(lambda: loop_report(history, alerts, activities, checked.arr, model, as_of,
                                          checked.completeness.end_month), ctx.repeat)
    rows.append(Row(f"loop report from scored history ({len(report.flags):,} flags, {len(activities):,} activities)", t))
    for command in (["cohorts"], ["loop"]):
        t, _ = timed(lambda command=command: subprocess.run(
            [sys.executable, "-m", "chs_core", *command, "--data", str(ctx.data)],
            check=True, capture_output=True, cwd=REPO), ctx.repeat)
        rows.append(Row(f"`python -m chs_core {command[0]}` end to end (process start included)", t))
    return rows
