"""Scale: validation, metrics for one date and the whole monthly history against a hand-written floor,
the results store (cold, a new month, warm), the CLI and the app's first page from stored results.

Every heavy step runs in its own process (scale_tasks.py) so its peak memory (max RSS) is measured too.
A new month is measured for real: a copy of the data without its last month fills the store first,
then the full data asks for the whole history (digest scan + one new as-of date).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from scripts.benchmarks.common import REPO, Context, Row

TASKS = Path(__file__).with_name("scale_tasks.py")
WORK = Path("/tmp/chs-bench")


def _task(task: str, data: Path, store: Path | None = None, env: dict | None = None) -> dict:
    args = [sys.executable, str(TASKS), task, str(data)] + ([str(store)] if store else [])
    out = subprocess.run(args, capture_output=True, text=True, cwd=REPO, env={**os.environ, **(env or {})})
    if out.returncode:
        raise SystemExit(f"scale task {task} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(task: str, data: Path, repeat: int, **kw) -> dict:
    runs = [_task(task, data, **kw) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def _without_last_month(data: Path) -> Path:
    """A copy of the database as it stood before its last ARR month arrived (dated rows of that month removed)."""
    import duckdb

    from chs_core.contract import TABLES
    from chs_core.store.fingerprint import DATE_COLUMNS

    out = WORK / f"{data.stem}.before.duckdb"
    if out.exists() and out.stat().st_mtime > data.stat().st_mtime:
        return out
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    con.execute(f"ATTACH '{data}' AS src (READ_ONLY)")
    last = con.execute("SELECT max(date_trunc('month', month)) FROM src.arr_monthly").fetchone()[0]
    for table in TABLES:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'src' AND table_name = ?",
                           [table.name]).fetchone()[0]:
            continue
        column = DATE_COLUMNS.get(table.name)
        where = f' WHERE "{column}" < ?' if column else ""
        con.execute(f'CREATE TABLE "{table.name}" AS SELECT * FROM src."{table.name}"{where}', [last] if column else [])
    con.close()
    return out


def _cli(command: str, data: Path, store: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chs_core", command, "--data", str(data), *extra], check=True,
                   capture_output=True, cwd=REPO, env={**os.environ, "CHS_RESULTS_STORE": str(store)})
    return time.perf_counter() - start


def _draft_backtest(data: Path, store: Path, i: int) -> float:
    """The backtest of a draft that only reweights the default model, never scored or judged before (a new draft
    each time): scored in memory from the stored metrics, judged with the parts its weights do not change kept."""
    from chs_core.model import load_model, save_model
    from chs_core.model.edits import with_component_weight
    from chs_core.settings import DEFAULT_MODEL

    model = load_model(DEFAULT_MODEL)
    first = model.components[0]
    draft = WORK / f"draft-{i}.yaml"
    save_model(with_component_weight(model, first.name, first.weight + i + 1), draft)
    return _cli("backtest", data, store, "--model", str(draft))


def _cli_row(stage: str, seconds: float) -> Row:
    print(f"{stage}: {seconds:.1f} s; load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    return Row(stage, seconds)


def _app_first_page(data: Path, store: Path) -> dict:
    code = ("import json, resource, time, os\n"
            "from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({str(REPO / 'app.py')!r}, default_timeout=600)\n"
            "t, c = time.perf_counter(), time.process_time(); at.run(); s = time.perf_counter() - t\n"
            "assert not at.exception, at.exception\n"
            "cpu = time.process_time() - c\n"
            "period = lambda: next(r for r in at.radio if r.label == 'Period')\n"
            "first = period().value\n"
            "for kind in ('quarter', first, 'quarter'):  # the last switch finds its figures cached (warm)\n"
            "    w = time.perf_counter(); period().set_value(kind).run(); warm = time.perf_counter() - w\n"
            "assert not at.exception, at.exception\n"
            "print(json.dumps({'seconds': s, 'cpu_seconds': cpu, 'warm_seconds': warm,\n"
            "                  'peak_gb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2}))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "CHS_DATA": str(data), "CHS_RESULTS_STORE": str(store)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(stage: str, r: dict, floor: dict | None = None) -> Row:
    note = f"peak {r['peak_gb']:.2f} GB, CPU {r['cpu_seconds']:.1f} s" + (
        f"; floor peak {floor['peak_gb']:.2f} GB, CPU {floor['cpu_seconds']:.1f} s" if floor else "")
    row = Row(stage, r["seconds"], None if floor is None else floor["seconds"], note=note)
    print(f"{stage}: {row.seconds:.1f} s ({note}); load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    return row


def run(ctx: Context) -> list[Row]:
    WORK.mkdir(parents=True, exist_ok=True)
    data, rows = ctx.data, []
    rows.append(_row("validate the source (check_source: every check, accounts, clean ARR)",
                     _best("validate", data, ctx.repeat)))
    for which, label in (("one", "one as-of date"), ("history", "the whole monthly history")):
        floor = _best(f"floor:{which}", data, ctx.repeat)
        usage = _best(f"usage:{which}", data, ctx.repeat)
        rows.append(_row(f"usage metrics, {label} (product SQL vs hand-written floor, same metrics)", usage, floor))
        full = _best(f"metrics:{which}", data, ctx.repeat)
        rows.append(_row(f"all metrics, {label} ({full['rows']:,} rows; floor: usage metrics only)", full, floor))
    store = WORK / f"{data.stem}.store.duckdb"
    store.unlink(missing_ok=True)
    before = _without_last_month(data)
    cold = _task("store:history", before, store)
    rows.append(_row("results store, cold: digest scan + every month but the last, stored", cold))
    new_month = _task("store:history", data, store)
    rows.append(_row("results store, a new month arrives (digests of the new file + one new as-of date)", new_month))
    warm = _best("store:history", data, ctx.repeat, store=store)
    rows.append(_row("results store, warm: the whole history read back", warm))
    for command in ("score", "kpis", "backtest"):
        _cli(command, data, store)  # scores for this model get stored on the first run
        rows.append(_cli_row(f"`python -m chs_core {command}` from stored results (process start and validation "
                             "included)", min(_cli(command, data, store) for _ in range(ctx.repeat))))
    rows.append(_cli_row("`python -m chs_core refresh`: the month ends stored, the alert and queue dates computed",
                         _cli("refresh", data, store)))
    rows.append(_cli_row("`python -m chs_core refresh` again: nothing new (validation, data keys, all found stored)",
                         _cli("refresh", data, store)))
    rows.append(_cli_row("`python -m chs_core backtest --fresh`: judged again from the scores refresh stored (every "
                         "interval recomputed)", min(_cli("backtest", data, store, "--fresh") for _ in range(ctx.repeat))))
    rows.append(_cli_row("`python -m chs_core backtest --model <a reweighted draft>`: never scored (scored in memory), "
                         "the parts its weights do not change kept by refresh's backtest",
                         min(_draft_backtest(data, store, i) for i in range(ctx.repeat))))
    app = _app_first_page(data, store)
    rows.append(_row("app first page (executive) from stored results, empty Streamlit caches (AppTest process)", app))
    rows.append(Row("app: switch the period to one seen before (warm rerun, AppTest; Chromium: --only browser)",
                    app["warm_seconds"]))
    return rows
