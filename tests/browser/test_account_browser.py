"""The seed story's account page in Chromium, at desktop and phone width: the alert on the history, the sentence
that names the departure and the usage collapse, and evidence tabs drawn one at a time (a tab switch reruns only
the evidence, and what it draws must appear)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from chs_app.charts.executive import LOSS
from chs_core.demo.build import DEMO_END_MONTH
from chs_core.demo.stories import STORY_ACCOUNT, story_dates

pytestmark = pytest.mark.browser
ALERT = story_dates(DEMO_END_MONTH, date(2025, 8, 1)).expected_alert  # the test demo: 15 months to 2026-10


def _check_story_page(app) -> None:
    from playwright.sync_api import expect

    page, main = app.open(f"account?account={STORY_ACCOUNT}&as_of={ALERT.isoformat()}"), app.main
    expect(page.get_by_role("heading", name="Kestrel Freight GmbH")).to_be_visible()
    expect(app.card("Health score")).to_have_text(re.compile(r"^4\d\.\d$"))  # about 45 on the alert day
    expect(main.get_by_text(re.compile(r"after Tobias Berg \(admin\) left on 16 Sep; most of it: "
                                       r"Usage down > 30% fired"))).to_be_visible()
    charts = main.locator('[data-testid="stEChartsChart"]')
    history = charts.filter(has_text="Score-drop alert")
    expect(history).to_have_count(1)
    # the alert marker is drawn in the alert colour (LOSS), beside the legend's own triangle
    assert history.locator(f'path[fill="{LOSS}"]').count() >= 2
    app.expect_no_exception()

    evidence = main.locator('[data-testid="stTabs"]').filter(has_text="ARR and seats")
    expect(charts.filter(has_text="Seats")).to_have_count(0)  # not drawn until opened
    evidence.get_by_role("tab", name="ARR and seats").click()
    app.wait()
    expect(charts.filter(has_text="Seats")).to_have_count(1)
    evidence.get_by_role("tab", name="Contacts").click()
    app.wait()
    expect(evidence.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    expect(main.get_by_text("Why it moved:")).to_be_visible()  # the rest of the page stayed
    app.expect_no_exception()


def test_seed_story_account_page_desktop(app, shoot):
    _check_story_page(app)
    app.expect_only_local_requests()  # its ECharts charts, like the executive page's Plotly ones, load nothing remote
    shoot(app.page, "account-story-alert.png")


def test_seed_story_account_page_phone(new_app, shoot):
    app = new_app(width=390, height=2400)
    _check_story_page(app)
    width = app.page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
    assert width <= 390  # nothing pushes the page wider than the phone
    shoot(app.page, "account-story-alert-phone.png")
