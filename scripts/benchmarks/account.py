"""Opening an account page in a real browser (Debian's Chromium, Playwright), timed from the navigation until the
script run has ended and the page is drawn: the explanation, history, change and evidence of one account.

Cold: the server and the data source are warm (another page was opened), this account was never opened: its
metrics at ~140 dates, its evidence and its explanation are computed on demand. Warm: the same account again
(every cached loader hit). Floor: the same core work for one account done in-process, without the app.
"""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

from scripts.benchmarks.common import Context, Row, timed

READY = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-testid^="stSkeleton"]'))
    return false;
  const main = document.querySelector('[data-testid="stMain"]');
  const chart = main && main.querySelector('.stPlotlyChart');
  return !!(main && main.innerText.includes('The evidence') && chart && chart.querySelector('.main-svg'));
}"""


def _accounts(ctx: Context, n: int) -> list[str]:
    from chs_core.model import load_model
    from chs_core.pipeline import check_source
    from chs_core.settings import DEFAULT_MODEL
    from chs_core.sources import open_dataset
    from chs_core.workspace import queue_for

    checked = check_source(ctx.data)
    with open_dataset(ctx.data) as ds:
        queue = queue_for(ds, load_model(DEFAULT_MODEL), checked.default_as_of)
    return list(queue["account_id"].head(n))


def _core_floor(ctx: Context, account_id: str) -> float:
    from chs_core.model import load_model
    from chs_core.pipeline import check_source, history_dates
    from chs_core.settings import DEFAULT_MODEL
    from chs_core.sources import open_dataset
    from chs_core.workspace import explain, explain_change
    from chs_core.workspace.evidence import account_evidence
    from chs_core.workspace.history import account_metrics, history_grid, score_history

    checked = check_source(ctx.data)
    model, as_of = load_model(DEFAULT_MODEL), checked.default_as_of
    since, first = as_of - timedelta(days=30), history_dates(checked.arr, as_of)[0]

    def work():
        with open_dataset(ctx.data) as ds:
            pair = account_metrics(ds, model, account_id, [since, as_of])
            explain(pair, model, account_id, as_of)
            explain_change(pair, model, account_id, since, as_of)
            score_history(account_metrics(ds, model, account_id, history_grid(first, as_of)), model)
            account_evidence(ds, account_id, as_of, model.signals)
    return timed(work, ctx.repeat)[0]


def run(ctx: Context) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from scripts.benchmarks.browser import ARGS, CHROMIUM, IDLE, _free_port, _server

    accounts = _accounts(ctx, ctx.repeat + 1)
    cold, warm = [], []
    with _server(ctx.data, _free_port()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/data_quality")  # warms the checked source every page shares
        page.wait_for_function(f"() => document.querySelector('[data-testid=\"stApp\"]') && ({IDLE})()",
                               timeout=300_000)

        def open_account(account_id: str) -> float:
            start = time.perf_counter()
            page.goto(f"{url}/account?account={account_id}")
            page.wait_for_function(READY, timeout=300_000, polling=50)
            return time.perf_counter() - start

        open_account(accounts[-1])  # the first account page also imports the page's modules
        for account_id in accounts[:-1]:
            cold.append(open_account(account_id))
        for _ in range(ctx.repeat):
            warm.append(open_account(accounts[0]))
        browser.close()
    floor = _core_floor(ctx, accounts[0])
    return [Row("account page, first open of an account (source warm, account never opened), Chromium",
                statistics.median(cold), floor, "floor: the same core work in-process"),
            Row("account page, same account again (caches warm), Chromium", statistics.median(warm))]
