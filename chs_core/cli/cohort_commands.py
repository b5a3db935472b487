"""Commands about retention by cohort and closing the loop: cohorts (a triangle as CSV), loop (JSON)."""
from __future__ import annotations

import json
import sys

from chs_core.cli.common import UsageError, add_data_options, open_data, opened_for_scoring
from chs_core.kpis.cohorts import COHORT_BY, cohort_accounts, cohort_table, triangle_frame
from chs_core.outcomes.loop import touch_activities
from chs_core.outcomes.loop_report import alert_window_dates, loop_report
from chs_core.pipeline import history_dates, score_dates


def register(sub) -> dict:
    p = sub.add_parser("cohorts", help="retention by start cohort (or group) against months since start, as CSV",
                       description="One row per cohort: accounts, starting ARR, then m0, m1, ... (fractions; an "
                                   "empty cell means the cohort is too young for it, not 0).")
    add_data_options(p, model=False, as_of=False)
    p.add_argument("--by", choices=COHORT_BY, default="start_quarter",
                   help="start_quarter (default) or start_month of customer_since, segment, industry, arr_band "
                        "(bands from the arr_bands setting) or acquisition_channel")
    p.add_argument("--metric", choices=("logo", "nrr"), default="logo",
                   help="logo retention (share still paying) or nrr (ARR over starting ARR)")
    p = sub.add_parser("loop", help="closing the loop: time from flag to CSM touch, outcomes, plays followed (JSON)",
                       description="For each account that went at risk or raised a score-drop alert: days to the "
                                   "first CSM touch, the share touched within 14 days per CSM and tier, the share "
                                   "saved when touched in time vs not (an association, not proof of cause).")
    add_data_options(p)
    return {"cohorts": cmd_cohorts, "loop": cmd_loop}


def cmd_cohorts(args) -> int:
    ds, checked = open_data(args)
    with ds:
        accounts = cohort_accounts(ds)
    try:
        table = cohort_table(accounts, checked.arr, args.by, checked.completeness.end_month)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    left = ", ".join(f"{n:,} {reason}" for reason, n in table.left_out.items() if n)
    if left:
        print(f"Left out of the cohorts: {left}.", file=sys.stderr)
    sys.stdout.write(triangle_frame(table, args.metric).to_csv(index=False, float_format="%.4f"))
    return 0


def cmd_loop(args) -> int:
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        dates = history_dates(checked.arr, as_of)
        history = score_dates(ds, model, dates).frame
        alert_scores = score_dates(ds, model, alert_window_dates(dates, model.alert.within_days)).frame
        activities = touch_activities(ds)
    report = loop_report(history, alert_scores, activities, checked.arr, model, as_of, checked.completeness.end_month)
    print(json.dumps(report.to_dict(), indent=2, default=str))
    return 0
