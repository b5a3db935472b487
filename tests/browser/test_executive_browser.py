"""The executive page in Chromium as a CS leader uses it: on a phone (390x844) two cards per row and nothing cut or
wider than the screen; a click on a bridge bar lists that movement's accounts; a link names the open tab; and the
page loads with no request leaving the machine (the icon and fonts are local, so it works offline).

Expected accounts come from arr_movements on the same demo database (the core, not the page's caches).
"""
from __future__ import annotations

import re

import pytest

from chs_app.format import count
from chs_core.kpis.periods import resolve_period
from chs_core.kpis.retention import arr_movements
from chs_core.pipeline import check_source

pytestmark = pytest.mark.browser
PHONE = (390, 844)


def test_on_a_phone_cards_sit_two_per_row_and_nothing_is_cut(new_app):
    app = new_app(width=PHONE[0], height=PHONE[1])
    page = app.open()
    app.expect_no_exception()
    cards = app.main.locator('[data-testid="stMetric"]')
    boxes = [cards.nth(i).bounding_box() for i in range(8)]
    for left, right in zip(boxes[::2], boxes[1::2]):
        assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + left["width"] - 1, (left, right)
        assert right["x"] + right["width"] <= PHONE[0]
    link = app.main.locator('[data-testid="stPageLink"]').filter(has_text="Open in the queue")
    clipped = link.locator("p").evaluate("p => p.scrollWidth > p.clientWidth + 1")
    box = link.bounding_box()
    assert not clipped and box["x"] + box["width"] <= PHONE[0]
    assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth") <= PHONE[0]
    label_px = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.stPlotlyChart text')]
        .filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize)))""")
    assert label_px >= 11  # chart labels stay readable on a phone


def test_clicking_a_bridge_bar_lists_that_movements_accounts(app, demo_db):
    from playwright.sync_api import expect

    checked = check_source(demo_db)
    period = resolve_period("ttm", checked.completeness.end_month)
    moves = arr_movements(checked.arr, period.start, period.end)
    expanded = moves[moves["movement"] == "expansion"]
    app.open()
    bars = app.main.locator('.st-key-executive_bridge_chart g.point path')
    expect(bars).to_have_count(6)
    bar = bars.nth(3).bounding_box()  # start, churn, contraction, expansion, new, end
    app.page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)  # plotly's drag layer is on top
    expect(app.main.get_by_role("radio", name="Expansion", exact=True)).to_be_checked(timeout=30_000)
    app.wait()
    expect(app.main.get_by_text(re.compile(f"^{re.escape(count(len(expanded), 'account'))}, .* expansion\\.$"))
           ).to_be_visible()


def test_a_link_opens_its_tab_and_a_reload_keeps_it(app):
    from playwright.sync_api import expect

    page = app.open("?section=Trends")
    expect(page.get_by_role("tab", name="Trends")).to_have_attribute("aria-selected", "true")
    expect(app.main.get_by_role("heading", name=re.compile("^Trends to "))).to_be_visible()
    page.get_by_role("tab", name="Tier outcomes").click()
    expect(page).to_have_url(re.compile(r"section=Tier"), timeout=30_000)
    app.wait()
    expect(app.main.get_by_role("heading", name="Do the tiers mean something?")).to_be_visible()
    page.reload()
    app.wait()
    expect(page.get_by_role("tab", name="Tier outcomes")).to_have_attribute("aria-selected", "true")


def test_the_page_loads_with_no_request_leaving_the_machine(new_app):
    app = new_app()
    app.open()
    app.expect_no_exception()
    app.expect_only_local_requests()
