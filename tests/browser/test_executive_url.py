"""A shared link in a real browser: the URL carries period, as-of date and filters; opening it shows that view,
changing a control rewrites the URL, a reload keeps it, and moving to another page and back keeps it too.

Expected figures come from the core on the same demo database (retention_kpis over the Enterprise accounts).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from chs_app.format import pct
from chs_core.kpis.periods import month_end, resolve_period
from chs_core.kpis.retention import retention_kpis
from chs_core.pipeline import check_source

pytestmark = pytest.mark.browser


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_a_shared_url_opens_the_same_view_and_a_reload_keeps_it(demo_db, new_app):
    from playwright.sync_api import expect

    checked = check_source(demo_db)
    end = checked.months[-3]
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        enterprise = [r[0] for r in con.execute("SELECT account_id FROM accounts WHERE segment = 'Enterprise'").fetchall()]
    finally:
        con.close()
    quarter = retention_kpis(checked.arr, resolve_period("quarter", end), enterprise)
    month = retention_kpis(checked.arr, resolve_period("month", end), enterprise)
    assert pct(quarter.nrr) != pct(month.nrr)  # so the reload check below can tell the two apart (GRR can tie)
    app = new_app(height=1400)
    page = app.open(f"?period=Quarter&as_of={month_end(end).isoformat()}&segment=Enterprise")
    main, sidebar = app.main, app.sidebar
    expect(main.get_by_role("radio", name="Quarter", exact=True)).to_be_checked()
    expect(main.get_by_role("combobox", name="As of (month end)")).to_have_value(month_end(end).isoformat())
    expect(sidebar.locator('[data-testid="stMultiSelect"]').first).to_contain_text("Enterprise")
    assert app.card("NRR").inner_text() == pct(quarter.nrr) and app.card("GRR").inner_text() == pct(quarter.grr)
    assert app.card("Logo retention").inner_text() == pct(quarter.logo_retention)

    main.locator('[data-testid="stRadio"]').filter(has_text="Period").get_by_text("Month", exact=True).click()
    expect(page).to_have_url(re.compile(r"period=Month"), timeout=30_000)
    app.wait()
    assert app.card("NRR").inner_text() == pct(month.nrr)
    params = _params(page)
    assert params["period"] == ["Month"] and params["segment"] == ["Enterprise"]
    assert params["as_of"] == [month_end(end).isoformat()]

    page.reload()
    app.wait()
    expect(main.get_by_role("radio", name="Month", exact=True)).to_be_checked()
    assert app.card("NRR").inner_text() == pct(month.nrr)

    app.nav("Data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)
    assert _params(page).get("segment") == ["Enterprise"]  # the sidebar filter stays in the URL on every page
    app.nav("Executive overview")
    expect(page.get_by_role("heading", name="Executive overview")).to_be_visible(timeout=30_000)
    app.wait()
    expect(main.get_by_role("radio", name="Month", exact=True)).to_be_checked()
    assert app.card("NRR").inner_text() == pct(month.nrr)
    assert _params(page)["period"] == ["Month"]
