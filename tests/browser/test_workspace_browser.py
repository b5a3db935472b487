"""The CSM journey in Chromium: the executive page's work-queue link -> the queue, filtered -> an account -> back."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import _screenshot_helpers, _streamlit_server, chromium  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(demo_db, chromium, tmp_path_factory):  # noqa: F811
    with _streamlit_server(demo_db, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def test_executive_to_queue_to_account_and_back(app_url, chromium):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    helpers = _screenshot_helpers()
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(app_url)
            helpers.wait_until_idle(page, timeout_ms=120_000)
            main = page.locator('[data-testid="stMain"]')
            link = main.get_by_role("link", name=re.compile(r"in At risk in the work queue"))
            if link.count() == 0:  # the executive page's links are its engineer's; start at the queue otherwise
                page.goto(f"{app_url}/at_risk?tier=At+risk")
            else:
                link.first.click()
            expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
            helpers.wait_until_idle(page, timeout_ms=120_000)
            expect(page).to_have_url(re.compile(r"/at_risk\?.*tier=At"))
            expect(main.locator('[data-testid="stMultiSelect"]').filter(has_text="Tier")
                   .get_by_text("At risk", exact=True)).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)

            picker = main.locator('[data-testid="stSelectbox"]').filter(has_text="Open an account")
            picker.click()
            option = page.get_by_role("option").first
            name = option.inner_text().rsplit(" (", 1)[0]
            option.click()
            button = main.locator('[data-testid="stButton"]').get_by_role("button", name="Open account")
            expect(button).to_be_enabled(timeout=30_000)
            button.click()
            expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
            helpers.wait_until_idle(page, timeout_ms=120_000)
            expect(page).to_have_url(re.compile(r"/account\?account="))
            expect(main.get_by_text("Why the score is what it is")).to_be_visible()
            expect(main.get_by_text("What changed")).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)

            main.get_by_role("link", name="At-risk accounts").click()  # back, with the queue's filters
            expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
            helpers.wait_until_idle(page, timeout_ms=120_000)
            expect(page).to_have_url(re.compile(r"/at_risk\?.*tier=At"))
            page.goto(f"{app_url}/account?account=NOPE")
            expect(main.get_by_text("No account with id")).to_be_visible(timeout=60_000)
            main.get_by_role("link", name="At-risk accounts").click()
            expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
        finally:
            browser.close()
    assert not errors, errors
