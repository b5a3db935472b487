"""Real browser: connect a folder of raw exports on the Data page, accept the proposed mapping, and the executive
page shows that data's figures (dbt MRR playbook: GRR 58.1 % for the 12 months to Dec 2019)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_browser import _screenshot_helpers, _streamlit_server
from tests.browser.test_browser import chromium as chromium  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.browser
DBT = Path(__file__).resolve().parents[3] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


def test_connect_a_folder_and_every_page_switches_to_it(demo_db, chromium, tmp_path, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    if not DBT.exists():
        pytest.skip(f"{DBT} is not on this machine")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "subscription_periods.csv").write_bytes(DBT.read_bytes())
    monkeypatch.setenv("CHS_WORKSPACE_DIR", str(tmp_path / "workspace"))
    helpers = _screenshot_helpers()
    with _streamlit_server(demo_db, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.goto(f"{url}/data_quality")
            helpers.wait_until_idle(page, timeout_ms=90_000)
            main = page.locator('[data-testid="stMain"]')
            field = main.get_by_role("textbox", name="Path or URL")
            field.fill(str(exports))
            field.press("Enter")
            helpers.wait_until_idle(page, timeout_ms=60_000)
            main.get_by_role("button", name="Read it and propose a mapping").click()
            expect(main.get_by_text(re.compile("Valid: accounts 55, arr_monthly 352"))).to_be_visible(timeout=60_000)
            expect(main.locator("textarea")).to_have_value(re.compile('mrr: "monthly_amount"'))
            main.get_by_role("button", name="Use this data in every page").click()
            expect(main.get_by_text(str(exports)).first).to_be_visible(timeout=60_000)
            page.locator('[data-testid="stSidebarNav"]').get_by_text("Executive overview", exact=True).click()
            helpers.wait_until_idle(page, timeout_ms=90_000)
            grr = main.locator('[data-testid="stMetric"]').filter(
                has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile("^GRR$")),
            ).locator('[data-testid="stMetricValue"]')
            expect(grr).to_have_text("58.1%", timeout=60_000)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        finally:
            browser.close()
