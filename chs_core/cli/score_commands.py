"""Commands that score: score (one as-of date), kpis (the executive summary)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from chs_core.cli.common import UsageError, add_data_options, check_output, json_text, opened_for_scoring
from chs_core.kpis.executive import drop_alert_summary, executive_summary
from chs_core.kpis.periods import PERIOD_MONTHS, month_end, previous_period, resolve_period
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.pipeline import end_month_for, scored_frame

SCORE_COLUMNS = ("account_id", "account_name", "segment", "region", "csm", "as_of", "arr", "health_score", "tier",
                 "at_risk", "coverage", "lifecycle_stage", "base_score", "penalty_points", "flags")


def register(sub) -> dict:
    p = sub.add_parser("score", help="scores as of a date, with tier, components and flags")
    add_data_options(p)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o", type=Path, default=None, help="file to write (default: standard output)")
    p = sub.add_parser("kpis", help="retention and health KPIs with the ARR bridge, as JSON")
    add_data_options(p)
    p.add_argument("--period", choices=tuple(PERIOD_MONTHS), default="ttm",
                   help="trailing 12 months (default), quarter or month, ending with the as-of month")
    return {"score": cmd_score, "kpis": cmd_kpis}


def cmd_score(args) -> int:
    check_output(args.output)
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        frame = scored_frame(ds, model, [as_of])
    components = [c for c in frame.columns if c.startswith("component_score_")]
    out = frame[[c for c in SCORE_COLUMNS if c in frame.columns] + components].copy()
    out["as_of"] = pd.to_datetime(out["as_of"]).dt.date.astype(str)
    out["tier"] = out["tier"].astype(str)
    out = out.sort_values(["health_score", "arr"], ascending=[True, False], na_position="first")
    text = out.to_csv(index=False) if args.format == "csv" else out.to_json(orient="records", indent=1, double_precision=4)
    if args.output:
        args.output.write_text(text)
        print(f"Wrote {len(out):,} scores as of {as_of} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_kpis(args) -> int:
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        period = resolve_period(args.period, end_month_for(as_of))
        last_month = checked.completeness.last_month
        if last_month is not None and period.end > last_month:
            # With no snapshot for the end month every account would count as churned.
            raise UsageError(f"--as-of {as_of} needs ARR for {period.end:%Y-%m}, but arr_monthly ends with "
                             f"{last_month:%Y-%m}; pass --as-of {month_end(last_month)} or earlier")
        health_as_of = month_end(period.end)
        dates = sorted({health_as_of, month_end(previous_period(period).end), *alert_dates(health_as_of, model.alert)})
        scored = scored_frame(ds, model, dates)
    summary = executive_summary(checked.arr, scored, period, model.tier_names())
    out = summary.to_dict()
    out["score_drop_alerts"] = drop_alert_summary(score_drops(scored, health_as_of, model.alert), model.alert)
    print(json_text(out))
    return 0
