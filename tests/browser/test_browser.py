"""The app in a real browser: the executive page's cards and period switch, the Data page, and a deep link as the
first request to a fresh server (fixtures in conftest.py)."""
from __future__ import annotations

import re

import pytest

CARDS = ("GRR", "NRR", "Logo retention", "Expansion rate", "Average health", "ARR-weighted health",
         "At-risk ARR", "At-risk share of ARR")

pytestmark = pytest.mark.browser


def test_executive_then_data_quality_in_chromium(app, shoot):
    from playwright.sync_api import expect

    page = app.open()
    main = app.main
    expect(page.get_by_role("heading", name="Executive overview")).to_be_visible()
    labels = main.locator('[data-testid="stMetricLabel"]')
    for label in CARDS:
        expect(labels.filter(has_text=re.compile(f"^{re.escape(label)}$"))).to_be_visible()
    values = main.locator('[data-testid="stMetricValue"]')
    expect(values.filter(has_text=re.compile(r"^\d+\.\d%$")).first).to_be_visible()  # e.g. 82.7%
    expect(values.filter(has_text=re.compile(r"^\$[\d.,]+[kMB]?$")).first).to_be_visible()  # e.g. $1.76M
    app.expect_no_exception()
    shoot(page, "executive.png")

    grr = app.card("GRR")
    ttm_grr = grr.inner_text()
    main.locator('[data-testid="stRadio"]').filter(has_text="Period").get_by_text("Quarter", exact=True).click()
    expect(grr).not_to_have_text(ttm_grr, timeout=30_000)  # a 3-month window, a different GRR
    app.wait()
    expect(app.sidebar.get_by_text("Filters")).to_be_visible()
    shoot(page, "executive_quarter.png")

    app.nav("Data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)
    app.wait()
    expect(page).to_have_url(re.compile(r"/data_quality$"))
    expect(main.get_by_text("No problems found")).to_be_visible()
    app.expect_no_exception()
    shoot(page, "data_quality.png")


def test_a_deep_link_as_the_first_request_to_a_fresh_server_still_gets_the_sidebar(demo_db, start_server, new_app):
    """A bookmark to /data_quality on a freshly started server still runs app.py (sidebar, filters, nav)."""
    app = new_app(start_server(demo_db), height=1200)
    page = app.page
    page.goto(f"{app.base_url}/data_quality")
    page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # the sidebar is drawn in the same run; give the frontend a moment
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    filters = app.sidebar.get_by_text("Filters").count()
    assert "Executive overview" in nav and filters == 1, (nav, filters)
