"""The results store from the command line: refresh (store everything the pages and commands read, e.g. nightly)."""
from __future__ import annotations

import sys
import time

from chs_core.cli.common import UsageError, add_data_options, opened_for_scoring
from chs_core.cli.model_commands import backtest_report
from chs_core.outcomes.loop_report import alert_window_dates
from chs_core.pipeline import history_dates, point_in_time_metrics, scored_frame
from chs_core.settings import setting
from chs_core.store import default_store
from chs_core.workspace.queue import queue_dates


def register(sub) -> dict:
    p = sub.add_parser("refresh", help="validate the data and store every metric and score the app's pages read, "
                                       "and the model's backtest (run after each data load, e.g. nightly, so no "
                                       "first visit or backtest computes them)")
    add_data_options(p)
    p.add_argument("--no-backtest", action="store_true", help="store metrics and scores only (the backtest of "
                                                              "100k accounts takes about 40 s)")
    return {"refresh": cmd_refresh}


def cmd_refresh(args) -> int:
    store = default_store()
    if store is None:
        raise UsageError("the results store is off (CHS_RESULTS_STORE=off): there is nothing to refresh; set "
                         "CHS_RESULTS_STORE to a file, or unset it for data/cache/")
    start = time.perf_counter()
    with opened_for_scoring(args) as (ds, checked, model, as_of):  # the validation is stored on the way
        if not ds.source_key:
            raise UsageError(f"{checked.label}: this kind of source is read afresh each time, so its results are "
                             "not stored; point --data at a file or folder to store them")
        months = history_dates(checked.arr, as_of)
        if not months:
            raise UsageError(f"{checked.label}: arr_monthly has no rows, so there is no month to score")
        windows = sorted(set(alert_window_dates(months, model.alert.within_days)) - set(months))
        queue = sorted(set(queue_dates(as_of)) - set(months) - set(windows))
        # Stored, not read back: no account is asked for. Only the dates missing are computed (a new month: one).
        scored_frame(ds, model, [*months, *windows], account_ids=[])
        if queue:
            point_in_time_metrics(ds, queue, model.signals, account_ids=[])
        if not args.no_backtest:  # `python -m chs_core backtest` with its default options then reads it back
            backtest_report(ds, checked, model, as_of, setting("backtest_horizon_months"),
                            setting("backtest_bootstrap_samples"))
    print(f"{store.path} holds metrics and scores for {len(months)} month ends ({months[0]} to {months[-1]}) and "
          f"{len(windows)} score-drop alert dates, metrics for {len(queue)} work-queue dates"
          + ("" if args.no_backtest else " and the backtest") + " of this data and model "
          f"({time.perf_counter() - start:.1f} s; only what was missing was computed).", file=sys.stderr)
    return 0
