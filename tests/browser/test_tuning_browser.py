"""The tuning studio in Chromium: moving a weight rescores the history and the tier-migration matrix changes; a
draft survives a reload, publishing bumps the version the sidebar shows, restoring brings the old model back.

The page saves drafts beside the model it tunes: the shared server tunes a temporary copy of model.yaml."""
from __future__ import annotations

import re
import shutil

import pytest

from chs_core.model import list_versions, load_model
from chs_core.settings import DEFAULT_MODEL

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


def test_publish_bumps_the_version_in_the_sidebar_and_a_restore_brings_it_back(start_server, new_app, demo_db,
                                                                                 tmp_path):
    """Publishing and restoring need a model of the test's own (the shared server's model stays as it is)."""
    from playwright.sync_api import expect

    model = tmp_path / "model.yaml"
    shutil.copy(DEFAULT_MODEL, model)
    app = new_app(start_server(demo_db, model))
    page = app.open("tuning")
    expect(app.sidebar).to_contain_text("version 1")
    page.get_by_role("slider").nth(4).press("End")  # financial weight 5 -> 100
    draft_line = app.main.locator("p").filter(has_text=re.compile(r"^Draft:"))
    expect(draft_line).to_contain_text("1 change against version 1", timeout=60_000)
    app.open(page.url.split("/", 3)[3])  # a reload of the draft's URL finds the draft again
    expect(draft_line).to_contain_text("1 change against version 1")
    note = page.get_by_placeholder(re.compile("^e.g. more weight"))
    note.fill("renewal timing first")
    note.press("Enter")
    app.wait()
    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_text("Published version 2.")).to_be_visible(timeout=60_000)
    app.wait()
    expect(app.sidebar).to_contain_text("version 2")
    expect(draft_line).to_contain_text("the same as version 2")
    assert load_model(model).component("financial").weight == 100
    page.get_by_role("button", name="Restore this version").click()  # the newest older version: 1
    expect(page.get_by_text("Restored as version 3.")).to_be_visible(timeout=60_000)
    app.wait()
    expect(app.sidebar).to_contain_text("version 3")
    assert load_model(model).component("financial").weight == 5
    assert [v.version for v in list_versions(model)] == ["3", "2", "1"]
    app.expect_no_exception()
