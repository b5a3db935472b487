"""The tuning page's hot path: one model change rescored over the cached history, with summaries and backtest.

Timed: chs_core.tuning.live (rescore, figures, migration, movers) after a weight change, against a floor: the
same arithmetic written out in plain numpy on the same arrays (per-group thresholds and weights resolved once
outside the timing, as a hand-tuned implementation would keep them). Then the same in Chromium: a slider
moved with the keyboard until the page shows the new migration figures.
"""
from __future__ import annotations

import numpy as np

from chs_core.model import edits, effective_model, load_model
from chs_core.pipeline import check_source, history_dates, metrics_with_accounts
from chs_core.scoring.score import UNKNOWN_STAGE, lifecycle_stages
from chs_core.sources import open_dataset
from chs_core.tuning.live import figures, migration, movers, prepare_history, rescore
from scripts.benchmarks.common import REPO, Context, Row, timed


def _groups(h, model):
    """Per (segment, stage) group: its rows and effective model (what a plain implementation precomputes)."""
    stage = lifecycle_stages(h.raw["tenure_months"], model)
    keys = np.char.add(np.asarray(h.segment, dtype=str), np.asarray(stage, dtype=str))
    out = []
    for k in np.unique(keys):
        rows = np.flatnonzero(keys == k)
        seg, st = h.segment[rows[0]], stage[rows[0]]
        out.append((rows, effective_model(model, seg, None if st == UNKNOWN_STAGE else st)))
    return out


def _points(x, n):
    if n.direction == "band":
        below = (x - n.bad_below) / (n.band_low - n.bad_below)
        above = (n.bad_above - x) / (n.bad_above - n.band_high)
        f = np.where(x < n.band_low, below, np.where(x > n.band_high, above, np.where(np.isnan(x), np.nan, 1.0)))
    else:
        f = (x - n.bad) / (n.good - n.bad)
    return np.clip(f * 100, 0, 100)


def numpy_floor(h, model, groups, published_score, published_tier):
    n = len(h.account_id)
    base, cov = np.full(n, np.nan), np.zeros(n)
    for rows, em in groups:
        num, den, c_tot = np.zeros(len(rows)), np.zeros(len(rows)), 0.0
        total = sum(c.weight for c in em.components if sum(m.weight for m in c.metrics) > 0)
        for c in em.components:
            w_in = sum(m.weight for m in c.metrics)
            cn, cd = np.zeros(len(rows)), np.zeros(len(rows))
            for m in c.metrics:
                p = _points(h.raw[m.name][rows], m.norm)
                ok = ~np.isnan(p)
                cn += np.where(ok, m.weight * p, 0)
                cd += ok * m.weight
                if w_in > 0 and total > 0:
                    cov[rows] += ok * (c.weight / total * m.weight / w_in)
            has = cd > 0
            num += np.where(has, c.weight * cn / np.where(has, cd, 1), 0)
            den += has * c.weight
            c_tot += c.weight
        base[rows] = num / np.where(den > 0, den, np.nan)
    pen, cap = np.zeros(n), np.full(n, np.inf)
    for f in model.flags:
        hit = np.zeros(n, bool)
        for c in f.conditions:
            with np.errstate(invalid="ignore"):
                hit |= {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                        "==": np.equal}[c.op](h.raw[c.signal], c.value)
        pen += hit * f.penalty
        if f.cap is not None:
            cap = np.where(hit, np.minimum(cap, f.cap), cap)
    score = np.minimum(np.clip(base - pen, 0, 100), cap)
    score[cov < model.min_coverage - 1e-9] = np.nan
    mins = np.array([t.min_score for t in model.tiers])
    tier = np.where(np.isnan(score), len(mins), np.searchsorted(-mins, -np.nan_to_num(score, nan=-1), side="left"))
    at_risk = score < model.at_risk_below
    # backtest figures: AUC by ranks, lift, recall/precision/FPR, calibration; book: migration, movers
    lab = h.labels
    s, y = score[lab.rows], lab.churned
    ok = ~np.isnan(s)
    ranks = np.argsort(np.argsort(s[ok], kind="stable"), kind="stable")
    order = np.argsort(s[ok])
    k = int(0.1 * ok.sum())
    tp = (at_risk[lab.rows] & y).sum()
    fp = (at_risk[lab.rows] & ~y).sum()
    rates = np.bincount(tier[lab.rows], weights=y, minlength=len(mins) + 1) / np.maximum(
        np.bincount(tier[lab.rows], minlength=len(mins) + 1), 1)
    m = h.latest
    mig = np.bincount(published_tier[m] * (len(mins) + 1) + tier[m], minlength=(len(mins) + 1) ** 2)
    moved = np.argsort(-np.nan_to_num(np.abs(score[m] - published_score[m]), nan=-1))[:10]
    return score, ranks, y[ok][order][:k].mean(), tp, fp, rates, mig, moved


def run(ctx: Context) -> list[Row]:
    checked = check_source(ctx.data)
    model = load_model(REPO / "model.yaml")
    with open_dataset(ctx.data) as ds:
        metrics = metrics_with_accounts(ds, history_dates(checked.arr, checked.default_as_of), model.signals)
    h = prepare_history(metrics, checked.arr, 3, checked.completeness.end_month)
    before = rescore(h, model)
    draft = edits.with_component_weight(model, "financial", 30)
    n_accounts = len(np.unique(h.account_id))

    def live():
        r = rescore(h, draft)
        return figures(h, r), migration(h, before, r), movers(h, before, r)

    groups = _groups(h, draft)
    t, _ = timed(live, max(ctx.repeat, 5))
    floor, plain = timed(lambda: numpy_floor(h, draft, groups, before.score, before.tier), max(ctx.repeat, 5))
    assert np.allclose(plain[0], rescore(h, draft).score, equal_nan=True), "the floor must compute the same scores"
    rows = [Row(f"tuning: one weight change, rescore {len(h.account_id):,} account-months + summaries + backtest "
                f"figures ({n_accounts:,} accounts)", t, floor)]
    t, _ = timed(lambda: figures(h, rescore(h, draft), samples=200), 1)
    rows.append(Row("tuning: the same with 200-replicate clustered AUC intervals (on request)", t))
    return rows + _browser(ctx)


def _browser(ctx: Context) -> list[Row]:
    """Slider moved with the keyboard in Chromium -> the migration caption shows the new figures."""
    import importlib.util
    import os
    import re
    import shutil
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("shot", REPO / "scripts" / "screenshot.py")
    shot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shot)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    shutil.copy(REPO / "model.yaml", tmp / "model.yaml")
    env = {**os.environ, "CHS_DATA": str(ctx.data), "CHS_MODEL": str(tmp / "model.yaml")}
    port = "8621"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", port], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shot.CHROMIUM, args=shot.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1400})
            page.goto(f"http://127.0.0.1:{port}/tuning")
            shot.wait_until_idle(page, 300_000)
            caption = page.get_by_text(re.compile(r"change tier \("))
            times = []
            for key in ("End", "Home", "End"):
                old = caption.inner_text()
                thumb = page.get_by_role("slider").nth(4)  # financial, the fifth component
                start = time.perf_counter()
                thumb.press(key)
                page.wait_for_function("(old) => ![...document.querySelectorAll('p')].some(p => p.innerText === old)",
                                       arg=old, timeout=60_000)
                times.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return [Row("tuning page in Chromium: slider moved -> new migration figures shown (median of 3)",
                sorted(times)[1])]
