"""The cohorts and closing-the-loop pages in Chromium: a click on a triangle cell lists that cell's accounts."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_click_a_cohort_cell_then_open_the_loop(app):
    from playwright.sync_api import expect

    page = app.open("cohorts")
    expect(page.get_by_role("heading", name="Cohorts")).to_be_visible()
    cell_text = page.locator('[data-testid="stMarkdown"]').filter(has_text="since start:")
    expect(cell_text).not_to_contain_text("month 0 since start")  # opens on the cohort's latest month
    # The top-left cell of the logo triangle: the first cohort in its start month.
    area = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + 5, area["y"] + 5)
    expect(cell_text).to_contain_text("month 0 since start", timeout=30_000)
    expect(cell_text).to_contain_text(re.compile(r"100\.0% logo retention"))  # everyone pays in month 0
    app.expect_no_exception()

    app.nav("Closing the loop")
    expect(page.get_by_role("heading", name="Closing the loop")).to_be_visible(timeout=30_000)
    app.wait()
    expect(page).to_have_url(re.compile(r"/loop"))
    expect(page.locator('[data-testid="stMetricLabel"]').filter(has_text="Touched within 14 days")).to_be_visible()
    expect(page.get_by_text("association, not proof of cause")).to_be_visible()
    app.expect_no_exception()
