"""Opening an account page in a real browser (Debian's Chromium, Playwright), timed from the navigation until the
script run has ended and the page is drawn: the explanation, history, change and evidence of one account.

Drawn: the script run has ended, no skeleton is left, and every chart (ECharts: no longer busy) and every
table (its canvas) on the page is drawn.

Cold: the server and the data source are warm (another page was opened), this account was never opened: its
metrics at ~140 dates, its evidence and its explanation are computed on demand. Warm: the same account again
(every cached loader hit). Both load the page from its URL (a deep link or a new tab: the browser starts
Streamlit's frontend again). In-app: from the work queue, open an account with its picker and button (what a
CSM clicks; no page reload), once for an account never opened and once for one opened before. Floor: the same
core work for one account done in-process, without the app.
"""
from __future__ import annotations

import re
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
  if (!main || !main.innerText.includes('The evidence')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stEChartsChart"]')];
  const tables = [...main.querySelectorAll('[data-testid="stDataFrame"]')];
  return charts.length > 0 && charts.every(c => c.getAttribute('aria-busy') === 'false' && c.querySelector('svg, canvas'))
    && tables.every(t => t.querySelector('canvas'));
}"""


IDLE_PAGE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def _accounts(ctx: Context, n: int) -> list[tuple[str, str]]:
    from chs_core.model import load_model
    from chs_core.pipeline import check_source
    from chs_core.settings import DEFAULT_MODEL
    from chs_core.sources import open_dataset
    from chs_core.workspace import queue_for

    checked = check_source(ctx.data)
    with open_dataset(ctx.data) as ds:
        queue = queue_for(ds, load_model(DEFAULT_MODEL), checked.default_as_of)
    return list(zip(queue["account_id"].head(n), queue["account_name"].head(n)))


def _core_floor(ctx: Context, account_id: str) -> float:
    """What the page computes for a new account: its metrics on the history grid (the compared dates are on it),
    the explanation, the change, the scored history and the evidence."""
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
            grid = account_metrics(ds, model, account_id, history_grid(first, as_of))
            explain(grid, model, account_id, as_of)
            explain_change(grid, model, account_id, since, as_of)
            score_history(grid, model)
            account_evidence(ds, account_id, as_of, model.signals)
    return timed(work, ctx.repeat)[0]


def _in_app(page, url: str, account_id: str, name: str) -> float:
    """Seconds from clicking "Open account" on the work queue until the account page is drawn (no reload)."""
    from playwright.sync_api import expect

    page.goto(f"{url}/at_risk?tier=At+risk&tier=Critical&tier=Neutral&tier=Healthy&tier=Thriving")
    page.wait_for_function(IDLE_PAGE, timeout=300_000, polling=50)
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stSelectbox"]').filter(has_text="Open an account").click()
    page.keyboard.type(account_id)
    page.get_by_role("option", name=f"{name} ({account_id})").click()
    opener = main.get_by_role("link", name="Open account")  # a page link: enabled (with its href) once picked
    page.wait_for_function(IDLE_PAGE, timeout=300_000, polling=50)
    expect(opener).to_have_attribute("href", re.compile(r"account\?account="), timeout=300_000)
    start = time.perf_counter()
    opener.click()
    page.wait_for_url("**/account?**", timeout=300_000)
    page.wait_for_function(READY, timeout=300_000, polling=50)
    return time.perf_counter() - start


def run(ctx: Context) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from scripts.app_server import free_port, streamlit_server
    from scripts.benchmarks.browser import IDLE
    from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS

    accounts = _accounts(ctx, 2 * ctx.repeat + 1)
    cold, warm, app_cold, app_warm = [], [], [], []
    with streamlit_server(ctx.data, port=int(ctx.extra.get("port") or free_port())) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/data_quality")  # warms the checked source every page shares
        page.wait_for_function(f"() => document.querySelector('[data-testid=\"stApp\"]') && ({IDLE})()",
                               timeout=300_000)

        def open_account(account_id: str) -> float:
            start = time.perf_counter()
            page.goto(f"{url}/account?account={account_id}")
            page.wait_for_function(READY, timeout=300_000, polling=50)
            return time.perf_counter() - start

        open_account(accounts[-1][0])  # the first account page also imports the page's modules
        for account_id, _ in accounts[:ctx.repeat]:
            cold.append(open_account(account_id))
        for _ in range(ctx.repeat):
            warm.append(open_account(accounts[0][0]))
        for account_id, name in accounts[ctx.repeat:2 * ctx.repeat]:
            app_cold.append(_in_app(page, url, account_id, name))
        for _ in range(ctx.repeat):
            app_warm.append(_in_app(page, url, *accounts[0]))
        browser.close()
    floor = _core_floor(ctx, accounts[0][0])
    return [Row("account page from its URL, first open of an account (source warm, account never opened), Chromium",
                statistics.median(cold), floor, "floor: the same core work in-process"),
            Row("account page from its URL, same account again (caches warm), Chromium", statistics.median(warm)),
            Row("queue -> Open account (in the app, no reload), account never opened, Chromium",
                statistics.median(app_cold), floor, "floor: the same core work in-process"),
            Row("queue -> Open account (in the app, no reload), account opened before, Chromium",
                statistics.median(app_warm))]
