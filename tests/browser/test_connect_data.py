"""Real browser: connect a folder of raw exports on the Data page, accept the proposed mapping, and the executive
page shows that data's figures (dbt MRR playbook: GRR 58.1 % for the 12 months to Dec 2019).

The connected source lives in this browser session only, so the test runs on the shared server."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DBT = Path(__file__).resolve().parents[3] / "shared" / "external" / "dbt-mrr-playbook" / "subscription_periods.csv"


def test_connect_a_folder_and_every_page_switches_to_it(app, tmp_path):
    from playwright.sync_api import expect

    if not DBT.exists():
        pytest.skip(f"{DBT} is not on this machine")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "subscription_periods.csv").write_bytes(DBT.read_bytes())
    app.open("data_quality")
    main = app.main
    field = main.get_by_role("textbox", name="Path or URL")
    field.fill(str(exports))
    field.press("Enter")
    app.wait()
    main.get_by_role("button", name="Read it and propose a mapping").click()
    expect(main.get_by_text(re.compile("Valid: accounts 55, arr_monthly 352"))).to_be_visible(timeout=60_000)
    expect(main.locator("textarea")).to_have_value(re.compile('mrr: "monthly_amount"'))
    main.get_by_role("button", name="Use this data in every page").click()
    expect(main.get_by_text(str(exports)).first).to_be_visible(timeout=60_000)
    app.nav("Executive overview")
    app.wait()
    expect(app.card("GRR")).to_have_text("58.1%", timeout=60_000)
    app.expect_no_exception()
