"""The cohorts and closing-the-loop pages in Chromium: a click on a triangle cell lists that cell's accounts."""
from __future__ import annotations

import re

import pytest

from tests.browser import test_browser as shared
from tests.browser.test_browser import _screenshot_helpers, _streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, as the main browser test finds it (skipped locally, failed under CI, when missing)."""
    if not shared.CHROMIUM.exists():
        if shared.os.environ.get("CI"):
            pytest.fail(f"{shared.CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{shared.CHROMIUM} is not installed")
    return shared.CHROMIUM


def test_click_a_cohort_cell_then_open_the_loop(demo_db, chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    helpers = _screenshot_helpers()
    errors: list[str] = []
    with _streamlit_server(demo_db, tmp_path / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{url}/cohorts")
            helpers.wait_until_idle(page, timeout_ms=90_000)
            expect(page.get_by_role("heading", name="Cohorts")).to_be_visible()
            cell_text = page.locator('[data-testid="stMarkdown"]').filter(has_text="since start:")
            expect(cell_text).not_to_contain_text("month 0 since start")  # opens on the cohort's latest month
            # The top-left cell of the logo triangle: the first cohort in its start month.
            area = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first.bounding_box()
            page.mouse.click(area["x"] + 5, area["y"] + 5)
            expect(cell_text).to_contain_text("month 0 since start", timeout=30_000)
            expect(cell_text).to_contain_text(re.compile(r"100\.0% logo retention"))  # everyone pays in month 0
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)

            page.locator('[data-testid="stSidebarNav"]').get_by_text("Closing the loop", exact=True).click()
            expect(page.get_by_role("heading", name="Closing the loop")).to_be_visible(timeout=30_000)
            helpers.wait_until_idle(page, timeout_ms=90_000)
            expect(page).to_have_url(re.compile(r"/loop"))
            expect(page.locator('[data-testid="stMetricLabel"]').filter(has_text="Touched within 14 days")).to_be_visible()
            expect(page.get_by_text("association, not proof of cause")).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        finally:
            browser.close()
    assert not errors, errors
