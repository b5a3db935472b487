"""Clicks in a real browser: the executive page in Debian's Chromium (Playwright), timed from the click until the
script run has ended and every table and chart is drawn again (what a user waits for; AppTest hides it).

Journeys: open the page cold (empty caches) and warm; switch the period; filter a segment; change the as-of date;
open another tab of the lower half (a fragment rerun). The server listens on CHS_BENCH_PORT when set (else a free
port), so a shared machine's port ranges are kept.
Each control is measured once cold (first time that value is asked for) and, after switching back and forth,
warm (the value was computed before, so only its cached summary is read and the page drawn).
"""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from scripts.app_server import free_port, streamlit_server
from scripts.benchmarks.common import Context, Row
from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS

ARM = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__chsRan = false;
  window.__chsObserver && window.__chsObserver.disconnect();
  // A fast (fragment) run can start and end before the callback runs: the old values keep the 'running'.
  window.__chsObserver = new MutationObserver((records) => {
    if (records.some(r => r.oldValue === 'running') || app.getAttribute('data-test-script-state') === 'running')
      window.__chsRan = true;
  });
  window.__chsObserver.observe(app, {attributes: true, attributeOldValue: true,
                                     attributeFilter: ['data-test-script-state']});
}"""
DONE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__chsRan && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid^="stSkeleton"]')
    && [...document.querySelectorAll('.stPlotlyChart')].every(c => c.querySelector('.main-svg'));
}"""
IDLE = DONE.replace("window.__chsRan && ", "")


def _timed(page, step) -> float:
    """Seconds from the user's last click (choosing the value) until the page is drawn again.

    step: (prepare, act): prepare opens a dropdown (not timed), act makes the choice.
    """
    prepare, act = step
    prepare()
    page.evaluate(ARM)
    start = time.perf_counter()
    act()
    page.wait_for_function(DONE, timeout=300_000, polling=50)
    return time.perf_counter() - start


def run(ctx: Context) -> list[Row]:
    from playwright.sync_api import sync_playwright

    port = int(ctx.extra.get("port") or os.environ.get("CHS_BENCH_PORT") or free_port())
    rows: list[Row] = []
    with streamlit_server(ctx.data, port=port) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=300_000)
        page.wait_for_function(IDLE, timeout=300_000, polling=100)
        rows.append(Row("browser: open the executive page, empty caches (cold)", time.perf_counter() - start))
        main = page.locator('[data-testid="stMain"]')
        period = main.locator('[data-testid="stRadio"]').filter(has_text="Period")
        sidebar = page.locator('[data-testid="stSidebar"]')

        def nothing():
            return None

        def pick_period(label: str):
            return nothing, lambda: period.get_by_text(label, exact=True).click()

        def open_segment():
            sidebar.locator('[data-testid="stMultiSelect"]').first.click()

        def choose_enterprise():
            page.get_by_role("option", name="Enterprise").click()

        def close_and_clear():
            page.keyboard.press("Escape")
            sidebar.get_by_role("button", name="Clear filters").click()

        def open_as_of():
            box = main.locator('[data-testid="stSelectbox"]').first
            for _ in range(3):  # after a scroll (a tab further down) the first click may only focus the box
                box.click()
                try:
                    page.get_by_role("option").first.wait_for(timeout=2_000)
                    return
                except Exception:  # noqa: BLE001  (playwright's TimeoutError: try again)
                    page.keyboard.press("Escape")

        def pick_as_of(index: int):
            return open_as_of, lambda: page.get_by_role("option").nth(index).click()

        def pick_tab(label: str):
            return nothing, lambda: main.get_by_role("tab", name=label).click()

        journeys = [("switch the period to Quarter", pick_period("Quarter"), pick_period("Trailing 12 months")),
                    ("open the Trends tab", pick_tab("Trends"), pick_tab("Health and alerts")),
                    ("filter segment Enterprise", (open_segment, choose_enterprise), (nothing, close_and_clear)),
                    ("change the as-of date to 3 months earlier", pick_as_of(3), pick_as_of(0))]
        for name, there, back in journeys:
            cold = _timed(page, there)
            _timed(page, back)
            warm = []
            for _ in range(max(ctx.repeat, 1)):
                warm.append(_timed(page, there))
                _timed(page, back)
            rows.append(Row(f"browser: {name}, first time (cold)", cold))
            rows.append(Row(f"browser: {name}, warm (median of {len(warm)})", statistics.median(warm)))
        start = time.perf_counter()
        page.reload()
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=300_000)
        page.wait_for_function(IDLE, timeout=300_000, polling=100)
        rows.append(Row("browser: reload the page (warm caches, new session)", time.perf_counter() - start,
                        note=_server_peak()))
        browser.close()
    return rows


def _server_peak() -> str:
    """The app server's peak memory so far (VmHWM of the streamlit child process), as a note."""
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        for pid in Path(f"/proc/{os.getpid()}/task/{task}/children").read_text().split():
            try:
                cmdline, status = Path(f"/proc/{pid}/cmdline").read_text(), Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if "streamlit" in cmdline:
                kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
                return f"app server peak memory {kib / 1024 ** 2:.2f} GB"
    return ""
