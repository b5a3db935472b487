"""The tuning studio in Chromium: moving a weight rescores the history and the tier-migration matrix changes."""
from __future__ import annotations

import re
import shutil

import pytest

from chs_core.settings import DEFAULT_MODEL
from tests.browser.test_browser import (  # noqa: F401  (chromium, screenshot_dirs: fixtures)
    _screenshot_helpers,
    _shoot,
    _streamlit_server,
    chromium,
    screenshot_dirs,
)

pytestmark = pytest.mark.browser


def test_moving_a_weight_changes_the_migration_matrix(demo_db, chromium, tmp_path, screenshot_dirs):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    model = tmp_path / "model.yaml"  # a copy: the page saves drafts beside the model it tunes
    shutil.copy(DEFAULT_MODEL, model)
    helpers = _screenshot_helpers()
    errors: list[str] = []
    with _streamlit_server(demo_db, tmp_path / "streamlit.log", model) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/tuning")
            helpers.wait_until_idle(page, timeout_ms=120_000)
            expect(page.get_by_role("heading", name="Tuning studio")).to_be_visible()
            caption = page.get_by_text(re.compile(r"change tier \("))
            expect(caption).to_have_text(re.compile(r"^0 accounts change tier"))  # the draft is the published model
            expect(page).to_have_url(re.compile(r"/tuning\?draft=[0-9a-f]{12}$"))
            page.get_by_role("slider").nth(4).press("End")  # financial weight 5 -> 100: renewal timing dominates
            expect(caption).not_to_have_text(re.compile(r"^0 accounts"), timeout=60_000)
            helpers.wait_until_idle(page, timeout_ms=60_000)
            moved = int(re.match(r"^([\d,]+) account", caption.inner_text()).group(1).replace(",", ""))
            assert moved > 0
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            _shoot(page, screenshot_dirs, "tuning.png")
        finally:
            browser.close()
    assert not errors, errors
