"""Command line: `python -m chs_core validate|score|kpis|backtest|demo|contract`.

Every command that reads data validates it first and exits 2 with the list of
problems (table, column, fix) instead of printing a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from chs_core.errors import DataError, ModelError
from chs_core.settings import DEFAULT_MODEL
from chs_core.settings import DEMO_DATABASE as DEFAULT_DATA


class UsageError(Exception):
    """A bad option value; the message says which and what to pass."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chs_core", description="Customer Health Score core.")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p: argparse.ArgumentParser, model: bool = True, as_of: bool = True) -> None:
        p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                       help="folder of CSV/Parquet files named after the contract tables, or a .duckdb file "
                            "(default: the demo database, built on first use)")
        if model:
            p.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="model.yaml (default: the repo's)")
        if as_of:
            p.add_argument("--as-of", type=_date, default=None,
                           help="score as of this date, YYYY-MM-DD (default: the end of the last complete data month)")

    p = sub.add_parser("validate", help="check a data source against the contract and list every problem")
    data_options(p, model=False, as_of=False)
    p = sub.add_parser("score", help="scores as of a date, with tier, components and flags")
    data_options(p)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o", type=Path, default=None, help="file to write (default: standard output)")
    p = sub.add_parser("kpis", help="retention and health KPIs with the ARR bridge, as JSON")
    data_options(p)
    p.add_argument("--period", choices=("ttm", "quarter", "month"), default="ttm",
                   help="trailing 12 months (default), quarter or month, ending with the as-of month")
    p = sub.add_parser("backtest", help="how the tiers held up: churn and contraction after each past as-of date")
    data_options(p)
    p.add_argument("--horizon-months", type=int, default=3, help="months after each as-of date to judge (default 3)")
    p = sub.add_parser("demo", help="(re)build the demo database")
    p.add_argument("--out", type=Path, default=DEFAULT_DATA)
    p.add_argument("--seed", type=int, default=None)
    sub.add_parser("contract", help="print the data contract as Markdown")
    return parser


def _ensure_demo(path: Path) -> None:
    if path.resolve() == DEFAULT_DATA.resolve() and not path.exists():
        from chs_core.demo.build import build_demo_database

        print(f"Building the demo database at {path} (first use, a few seconds)…", file=sys.stderr)
        build_demo_database(path)


def _open(args):
    from chs_core.pipeline import open_checked

    _ensure_demo(args.data)
    ds, warnings = open_checked(args.data)
    for w in warnings:
        print(w, file=sys.stderr)
    return ds


def _model(args):
    from chs_core.model import load_model

    return load_model(args.model)


def _as_of(args, ds) -> date:
    from chs_core.kpis.periods import month_end
    from chs_core.pipeline import completeness

    if args.as_of is None:
        check = completeness(ds)
        if check.end_month is None:
            raise UsageError(f"{check.message} Add monthly ARR rows (account_id, month, arr) to arr_monthly")
        if check.partial:
            print(check.message, file=sys.stderr)
        return month_end(check.end_month)  # what pipeline.default_as_of gives, without reading ARR twice
    if args.as_of > date.today():
        raise UsageError(f"--as-of {args.as_of} is in the future; pass a date up to today")
    check = completeness(ds)
    if check.partial and args.as_of >= check.last_month:
        print(f"Warning: {check.message} --as-of {args.as_of} falls in that month.", file=sys.stderr)
    return args.as_of


def cmd_validate(args) -> int:
    from chs_core.sources.loading import open_dataset
    from chs_core.validation.checks import errors_only, validate_dataset

    _ensure_demo(args.data)
    ds = open_dataset(args.data)
    problems = validate_dataset(ds)
    for p in problems:
        print(p)
    errors = errors_only(problems)
    counts = ", ".join(f"{table} {rows:,}" for table, rows in ds.row_counts().items())
    print(f"{args.data}: {len(errors)} error(s), {len(problems) - len(errors)} warning(s). Tables: {counts or 'none'}.")
    return 2 if errors else 0


SCORE_COLUMNS = ("account_id", "account_name", "segment", "region", "csm", "as_of", "arr", "health_score", "tier",
                 "at_risk", "coverage", "lifecycle_stage", "base_score", "penalty_points", "flags")


def cmd_score(args) -> int:
    from chs_core.pipeline import score_dates

    ds, model = _open(args), _model(args)
    as_of = _as_of(args, ds)
    frame = score_dates(ds, model, [as_of]).frame
    components = [c for c in frame.columns if c.startswith("component_")]
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
    from chs_core.kpis.executive import drop_alert_summary, executive_summary
    from chs_core.kpis.periods import arr_frame, month_end, previous_period, resolve_period
    from chs_core.outcomes.alerts import alert_dates, score_drops
    from chs_core.pipeline import completeness, end_month_for, score_dates

    ds, model = _open(args), _model(args)
    as_of = _as_of(args, ds)
    period = resolve_period(args.period, end_month_for(as_of))
    last = completeness(ds).last_month
    if last is not None and period.end > last:
        # With no snapshot for the end month every account would count as churned.
        raise UsageError(f"--as-of {as_of} needs ARR for {period.end:%Y-%m}, but arr_monthly ends with "
                         f"{last:%Y-%m}; pass --as-of {month_end(last)} or earlier")
    health_as_of = month_end(period.end)
    dates = sorted({health_as_of, month_end(previous_period(period).end), *alert_dates(health_as_of, model.alert)})
    scored = score_dates(ds, model, dates).frame
    summary = executive_summary(arr_frame(ds), scored, period, [t.name for t in model.tiers])
    out = summary.to_dict()
    out["score_drop_alerts"] = drop_alert_summary(score_drops(scored, health_as_of, model.alert), model.alert)
    print(json.dumps(out, indent=2, default=str))
    return 0


def cmd_backtest(args) -> int:
    from dataclasses import asdict

    from chs_core.kpis.periods import arr_frame
    from chs_core.outcomes.tier_outcomes import flagged_loss_share, tier_outcomes
    from chs_core.pipeline import completeness, history_dates, score_dates

    ds, model = _open(args), _model(args)
    as_of = _as_of(args, ds)
    scored = score_dates(ds, model, history_dates(ds, as_of)).frame
    arr, end = arr_frame(ds), completeness(ds).end_month
    tiers = tier_outcomes(scored, arr, args.horizon_months, end, [t.name for t in model.tiers])
    quality = flagged_loss_share(scored, arr, args.horizon_months, end)
    # A tier with no judged accounts has NaN shares; NaN is not JSON, so write null.
    tiers = tiers.astype(object).where(tiers.notna(), None)
    print(json.dumps({"horizon_months": args.horizon_months, "tiers": tiers.to_dict(orient="records"),
                      "at_risk_flags": asdict(quality)}, indent=2, default=str))
    return 0


def cmd_demo(args) -> int:
    from chs_core.demo.build import DEMO_SEED, build_demo_database

    path = build_demo_database(args.out, seed=DEMO_SEED if args.seed is None else args.seed)
    print(f"Wrote the demo database to {path}")
    return 0


def cmd_contract(args) -> int:
    from chs_core.contract_markdown import contract_markdown

    print(contract_markdown())
    return 0


COMMANDS = {"validate": cmd_validate, "score": cmd_score, "kpis": cmd_kpis, "backtest": cmd_backtest,
            "demo": cmd_demo, "contract": cmd_contract}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DataError as exc:
        print(f"The data in {getattr(args, 'data', '')} cannot be used:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except (ModelError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
