"""Commands that judge and tune the model: backtest (how well past scores predicted churn)."""
from __future__ import annotations

import json

from chs_core.cli.common import UsageError, add_data_options, as_of_arg, model_arg, open_data
from chs_core.outcomes.backtest import run_backtest
from chs_core.outcomes.summary import summary_text
from chs_core.pipeline import history_dates, metrics_with_accounts
from chs_core.scoring.score import score_frame
from chs_core.settings import setting


def register(sub) -> dict:
    p = sub.add_parser("backtest", help="how well past scores predicted churn: AUC, lift, recall, calibration, "
                                        "baselines (point in time)")
    add_data_options(p)
    p.add_argument("--horizon-months", type=int, default=setting("backtest_horizon_months"),
                   help="months after each as-of date to judge (default from settings: 3)")
    p.add_argument("--format", choices=("json", "text"), default="json", help="JSON (default) or a short summary")
    p.add_argument("--bootstrap", type=int, default=setting("backtest_bootstrap_samples"),
                   help="bootstrap replicates behind each AUC interval (0: no intervals, faster)")
    return {"backtest": cmd_backtest}


def cmd_backtest(args) -> int:
    if args.horizon_months < 1:
        raise UsageError(f"--horizon-months {args.horizon_months}: give a whole number of months, 1 or more")
    if args.bootstrap < 0:
        raise UsageError(f"--bootstrap {args.bootstrap}: give 0 (no intervals) or more replicates")
    ds, checked = open_data(args)
    with ds:
        model = model_arg(args)
        as_of = as_of_arg(args, checked)
        metrics = metrics_with_accounts(ds, history_dates(checked.arr, as_of), model.signals)
    scored = score_frame(metrics, model).frame
    bt = run_backtest(scored, checked.arr, model=model, metrics=metrics, horizon_months=args.horizon_months,
                      end_month=checked.completeness.end_month, samples=args.bootstrap)
    if args.format == "text":
        print(summary_text(bt))
    else:
        print(json.dumps(bt.to_dict(), indent=1, allow_nan=False))
    return 0
