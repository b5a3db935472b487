"""Take full-page screenshots of the running app in Debian's Chromium (for review and the README).

Usage: python scripts/screenshot.py [--url http://127.0.0.1:8501] [--out docs/screenshots] [--page executive ...]
Start the app first: streamlit run app.py --server.port 8501
"""
from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {"executive": "", "data_quality": "data_quality", "cohorts": "cohorts", "loop": "loop",
         "at_risk": "at_risk", "account": "account", "tuning": "tuning"}


def wait_until_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait for the script run to finish: the app is rendered and no status widget says 'running'."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stElementContainer\"]').length > 1",
        timeout=timeout_ms)
    # As Streamlit's own e2e tests do: the script run is over, and no cache spinner is left.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stSpinner\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout_ms)
    # Tables and charts load after the script ends: wait until no skeleton is left and every chart has drawn.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid^=\"stSkeleton\"]')"
        " && [...document.querySelectorAll('.stPlotlyChart')].every(c => c.querySelector('.main-svg'))"
        " && [...document.querySelectorAll('[data-testid=\"stEChartsChart\"]')].every("
        "c => c.getAttribute('aria-busy') === 'false')",
        timeout=timeout_ms)
    page.wait_for_timeout(1000)  # let plotly finish its transitions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--page", nargs="*", default=list(PAGES))
    parser.add_argument("--width", type=int, default=1440)
    # Streamlit scrolls inside its main container, so a tall viewport (not full_page) captures the page.
    parser.add_argument("--height", type=int, default=4200)
    parser.add_argument("--account", default=None, help="account id for the account page (?account=ID)")
    parser.add_argument("--suffix", default="", help="appended to each file name, e.g. -phone")
    parser.add_argument("--query", default="", help="query string for every page, e.g. section=Trends&period=quarter")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        for name in args.page:
            params = [f"account={args.account}"] if name == "account" and args.account else []
            query = "?" + "&".join(params + ([args.query] if args.query else [])) if params or args.query else ""
            page.goto(f"{args.url}/{PAGES[name]}{query}")
            wait_until_idle(page)
            path = args.out / f"{name}{args.suffix}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
        browser.close()


if __name__ == "__main__":
    main()
