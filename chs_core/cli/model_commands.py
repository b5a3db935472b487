"""Commands that judge and tune the model: backtest (how well past scores predicted churn), suggest-weights."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from chs_core.cli.common import UsageError, add_data_options, opened_for_scoring
from chs_core.model import save_model
from chs_core.outcomes.backtest import Backtest, run_backtest, scored_columns
from chs_core.outcomes.baselines import import_in_background
from chs_core.outcomes.summary import summary_text
from chs_core.pipeline import history_dates, metrics_with_accounts, point_in_time_metrics, scored_frame, scores_stored
from chs_core.scoring.score import score_frame
from chs_core.settings import setting
from chs_core.store import default_store
from chs_core.store.reports import backtest_key, backtest_parts, keep_backtest, kept_backtest
from chs_core.tuning import NotEnoughHistory, suggest_weights


def register(sub) -> dict:
    p = sub.add_parser("backtest", help="how well past scores predicted churn: AUC, lift, recall, calibration, "
                                        "baselines (point in time)")
    add_data_options(p)
    p.add_argument("--horizon-months", type=int, default=setting("backtest_horizon_months"),
                   help="months after each as-of date to judge (default from settings: 3)")
    p.add_argument("--format", choices=("json", "text"), default="json", help="JSON (default) or a short summary")
    p.add_argument("--bootstrap", type=int, default=setting("backtest_bootstrap_samples"),
                   help="bootstrap replicates behind each AUC interval (0: no intervals, faster)")
    p.add_argument("--fresh", action="store_true",
                   help="judge again even when the same backtest of the same data and model is kept in the results store")
    p = sub.add_parser("suggest-weights", help="weights learned from the point-in-time history, tested out of sample "
                                              "against the current model; writes a draft model")
    add_data_options(p)
    p.add_argument("--out", "-o", type=Path, required=True,
                   help="draft model.yaml to write (an existing file is kept in model_history/ first)")
    p.add_argument("--horizon-months", type=int, default=setting("backtest_horizon_months"),
                   help="months after each as-of date in which churn is looked for (default from settings: 3)")
    p.add_argument("--bootstrap", type=int, default=setting("backtest_bootstrap_samples"),
                   help="bootstrap replicates behind the intervals")
    return {"backtest": cmd_backtest, "suggest-weights": cmd_suggest}


MAX_HORIZON_MONTHS = 60
MAX_BOOTSTRAP = 10_000  # an interval is steady long before this; more would only keep the machine busy


def _check_judging(args) -> None:
    if not 1 <= args.horizon_months <= MAX_HORIZON_MONTHS:
        raise UsageError(f"--horizon-months {args.horizon_months}: give a whole number of months, 1 to "
                         f"{MAX_HORIZON_MONTHS}")
    if not 0 <= args.bootstrap <= MAX_BOOTSTRAP:
        raise UsageError(f"--bootstrap {args.bootstrap}: give 0 (no intervals) to {MAX_BOOTSTRAP:,} replicates")


def cmd_backtest(args) -> int:
    _check_judging(args)
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        report = backtest_report(ds, checked, model, as_of, args.horizon_months, args.bootstrap, args.fresh)
    print(report[args.format])
    return 0


def backtest_report(ds, checked, model, as_of, horizon_months: int, samples: int, fresh: bool = False) -> dict:
    """The backtest's JSON and text ({"json", "text"}): read back when the same backtest is kept in the results
    store (unless fresh), else judged and kept. `python -m chs_core refresh` calls it too, so the backtest of the
    model in use is ready after each data load."""
    dates = history_dates(checked.arr, as_of)
    end_month = checked.completeness.end_month
    store = default_store() if ds.source_key else None
    key = store and backtest_key(store, ds, dates, model, horizon_months=horizon_months, samples=samples,
                                 end_month=end_month)
    report = kept_backtest(store, key) if key and not fresh else None  # asked before: read back
    if report is None:
        parts = store and backtest_parts(store, ds, dates, model.signals, fresh, horizon_months=horizon_months,
                                         samples=samples, end_month=end_month)
        bt = _backtest(ds, checked.arr, model, dates, end_month, parts, horizon_months, samples)
        report = {"json": json.dumps(bt.to_dict(), indent=1, allow_nan=False), "text": summary_text(bt)}
        if key:
            keep_backtest(store, key, report)
    return report


def _backtest(ds, arr, model, dates, end_month, parts, horizon_months: int, samples: int) -> Backtest:
    """The backtest judged; from stored scores when the model's are in the results store (parts: its kept parts for
    this data). A model never scored is scored in memory from the stored metrics and its scores are not stored:
    its report is kept, and writing 1.8M score rows at 100k took longer than judging them."""
    import_in_background()  # the learned baseline's library, while the history is read
    if parts is not None and scores_stored(ds, model, dates):  # scoring reads no account attributes from here
        metrics = point_in_time_metrics(ds, dates, model.signals)
        scored = scored_frame(ds, model, dates, columns=scored_columns(model, metrics.columns))
    else:
        metrics = metrics_with_accounts(ds, dates, model.signals)
        points = not set(model.metric_names()) <= set(metrics.columns)  # a metric without raw values: its points
        scored = score_frame(metrics, model, detail=points).frame
    return run_backtest(scored, arr, model=model, metrics=metrics, horizon_months=horizon_months,
                        end_month=end_month, samples=samples, parts=parts)


def cmd_suggest(args) -> int:
    _check_judging(args)
    if not args.out.parent.is_dir():
        raise UsageError(f"--out {args.out}: the folder {args.out.parent} does not exist; create it or pick another")
    if args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give a file name such as {args.out / 'draft.yaml'}")
    with opened_for_scoring(args) as (ds, checked, model, as_of):
        metrics = metrics_with_accounts(ds, history_dates(checked.arr, as_of), model.signals)
    try:
        s = suggest_weights(metrics, checked.arr, model, args.horizon_months, checked.completeness.end_month,
                            samples=args.bootstrap)
    except NotEnoughHistory as exc:
        raise UsageError(str(exc)) from None
    note = "Suggested weights (python -m chs_core suggest-weights): " + ("gain" if s.gain else "no reliable gain")
    save_model(s.draft, args.out, note=note)
    print("\n".join(s.summary))
    print(f"Wrote the draft model to {args.out}" + ("" if s.gain else " (same quality as now: keep the current model)"),
          file=sys.stderr)
    return 0
