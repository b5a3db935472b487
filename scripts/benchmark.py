"""Time the core stages on the demo data and print a Markdown table (figures go to docs/benchmarks.md).

Usage: python scripts/benchmark.py [--data data/demo.duckdb] [--repeat 3]
Each figure is the median of --repeat runs, in seconds, on a warm file cache.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chs_core.model import load_model, signal_settings  # noqa: E402
from chs_core.pipeline import default_as_of, history_dates, metrics_with_accounts  # noqa: E402
from chs_core.scoring.score import score_frame  # noqa: E402
from chs_core.sources.loading import open_dataset  # noqa: E402
from chs_core.validation.checks import validate_dataset  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def app_timings(data: Path) -> list[tuple[str, float]]:
    """Executive page through AppTest: a cold run (empty caches) and a rerun after switching the period."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CHS_DATA"] = str(data)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    at.radio(key="executive_period_kind").set_value("quarter").run()
    warm = time.perf_counter() - start
    return [("executive page, first load with empty caches (AppTest)", cold),
            ("executive page, rerun after switching the period (AppTest, caches warm)", warm)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO / "data" / "demo.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = open_dataset(args.data)
    model = load_model(REPO / "model.yaml")
    as_of = default_as_of(ds)
    dates = history_dates(ds, as_of)
    rows = []
    t, _ = timed(lambda: validate_dataset(ds), args.repeat)
    rows.append(("validate the source (every contract check)", t))
    t, one = timed(lambda: metrics_with_accounts(ds, [as_of], signal_settings(model)), args.repeat)
    rows.append((f"metrics, one as-of date ({len(one):,} accounts)", t))
    t, hist = timed(lambda: metrics_with_accounts(ds, dates, signal_settings(model)), args.repeat)
    rows.append((f"metrics, {len(dates)} monthly as-of dates in one pass ({len(hist):,} rows)", t))
    t, _ = timed(lambda: score_frame(hist, model), args.repeat)
    rows.append((f"score the whole history ({len(hist):,} rows)", t))
    changed = model.with_component_weight("usage", 50)
    t, _ = timed(lambda: score_frame(one, changed), args.repeat)
    rows.append((f"rescore one date after a weight change ({len(one):,} accounts)", t))
    for command in (["score"], ["kpis"], ["backtest"]):
        t, _ = timed(lambda command=command: subprocess.run([sys.executable, "-m", "chs_core", *command, "--data", str(args.data)],
                                            check=True, capture_output=True, cwd=REPO), args.repeat)
        rows.append((f"`python -m chs_core {command[0]}` end to end (process start included)", t))
    rows += app_timings(args.data)
    counts = {t: ds.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("accounts", "usage_events")}
    print(f"Data: {args.data.name}: {counts['accounts']:,} accounts, {counts['usage_events']:,} usage rows. "
          f"Python {platform.python_version()}, {platform.machine()}, median of {args.repeat} runs.\n")
    print("| stage | seconds |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
