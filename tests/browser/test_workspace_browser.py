"""The CSM journey in Chromium: the executive page's work-queue link -> the queue, filtered -> an account -> back."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_executive_to_queue_to_account_and_back(app):
    from playwright.sync_api import expect

    page, main = app.open(), app.main
    main.get_by_role("link", name="Open in the queue").click()  # on the at-risk card
    expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
    app.wait()
    expect(page).to_have_url(re.compile(r"/at_risk\?.*tier=At"))
    expect(main.locator('[data-testid="stMultiSelect"]').filter(has_text="Tier")
           .get_by_text("At risk", exact=True)).to_be_visible()
    app.expect_no_exception()

    picker = main.locator('[data-testid="stSelectbox"]').filter(has_text="Open an account")
    picker.click()
    option = page.get_by_role("option").first
    name = option.inner_text().rsplit(" (", 1)[0]
    option.click()
    opener = main.locator('[data-testid="stPageLink"]').get_by_role("link", name="Open account")
    expect(opener).to_have_attribute("href", re.compile(r"account\?account="), timeout=30_000)
    opener.click()
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
    app.wait()
    expect(page).to_have_url(re.compile(r"/account\?account="))
    expect(main.get_by_text("Why the score is what it is")).to_be_visible()
    expect(main.get_by_text("What changed")).to_be_visible()
    app.expect_no_exception()

    main.get_by_role("link", name="At-risk accounts").click()  # back, with the queue's filters
    expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
    app.wait()
    expect(page).to_have_url(re.compile(r"/at_risk\?.*tier=At"))
    page.goto(f"{app.base_url}/account?account=NOPE")
    expect(main.get_by_text("No account with id")).to_be_visible(timeout=60_000)
    main.get_by_role("link", name="At-risk accounts").click()
    expect(page.get_by_role("heading", name="At-risk accounts")).to_be_visible(timeout=60_000)
