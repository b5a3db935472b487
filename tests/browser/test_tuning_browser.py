"""The tuning studio in Chromium: moving a weight rescores the history and the tier-migration matrix changes.

The page saves drafts beside the model it tunes: the shared server tunes a temporary copy of model.yaml."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_moving_a_weight_changes_the_migration_matrix(app, shoot):
    from playwright.sync_api import expect

    page = app.open("tuning")
    expect(page.get_by_role("heading", name="Tuning studio")).to_be_visible()
    caption = page.get_by_text(re.compile(r"change tier \("))
    expect(caption).to_have_text(re.compile(r"^0 accounts change tier"))  # the draft is the published model
    expect(page).to_have_url(re.compile(r"/tuning\?draft=[0-9a-f]{12}$"))
    page.get_by_role("slider").nth(4).press("End")  # financial weight 5 -> 100: renewal timing dominates
    expect(caption).not_to_have_text(re.compile(r"^0 accounts"), timeout=60_000)
    app.wait()
    moved = int(re.match(r"^([\d,]+) account", caption.inner_text()).group(1).replace(",", ""))
    assert moved > 0
    app.expect_no_exception()
    shoot(page, "tuning.png")
