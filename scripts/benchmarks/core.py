"""Core stages on one data source: validation, metrics (one date, the history), scoring, the CLI end to end."""
from __future__ import annotations

import subprocess
import sys

from chs_core.model import edits, load_model
from chs_core.pipeline import check_source, history_dates, metrics_with_accounts
from chs_core.scoring.score import score_frame
from chs_core.sources import open_dataset
from chs_core.validation import validate_dataset
from scripts.benchmarks.common import REPO, Context, Row, timed


def run(ctx: Context) -> list[Row]:
    checked = check_source(ctx.data)
    model = load_model(REPO / "model.yaml")
    as_of = checked.default_as_of
    dates = history_dates(checked.arr, as_of)
    rows = []
    with open_dataset(ctx.data) as ds:
        t, _ = timed(lambda: validate_dataset(ds), ctx.repeat)
        rows.append(Row("validate the source (every contract check)", t))
        t, one = timed(lambda: metrics_with_accounts(ds, [as_of], model.signals), ctx.repeat)
        rows.append(Row(f"metrics, one as-of date ({len(one):,} accounts)", t))
        t, hist = timed(lambda: metrics_with_accounts(ds, dates, model.signals), ctx.repeat)
        rows.append(Row(f"metrics, {len(dates)} monthly as-of dates in one pass ({len(hist):,} rows)", t))
    t, _ = timed(lambda: score_frame(hist, model), ctx.repeat)
    rows.append(Row(f"score the whole history ({len(hist):,} rows)", t))
    changed = edits.with_component_weight(model, "usage", 50)
    t, _ = timed(lambda: score_frame(one, changed), ctx.repeat)
    rows.append(Row(f"rescore one date after a weight change ({len(one):,} accounts)", t))
    for command in (["score"], ["kpis"], ["backtest"]):
        t, _ = timed(lambda command=command: subprocess.run(
            [sys.executable, "-m", "chs_core", *command, "--data", str(ctx.data)],
            check=True, capture_output=True, cwd=REPO), ctx.repeat)
        rows.append(Row(f"`python -m chs_core {command[0]}` end to end (process start included)", t))
    return rows
