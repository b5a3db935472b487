"""Rows the checked source leaves out (account id in no account) are named on the executive page with their table
and count, and a link to the Data page (book: tests/stray_rows.py, counts by hand there)."""
from __future__ import annotations

from tests.stray_rows import stray_rows_folder


def test_the_executive_page_names_the_left_out_rows_and_links_to_the_data_page(run_app, tmp_path):
    at = run_app(data=stray_rows_folder(tmp_path / "strays"))
    assert not at.exception, [e.value for e in at.exception]
    notes = [c.value for c in at.caption if "Left out" in c.value]
    assert len(notes) == 1
    assert "2 rows of usage_events" in notes[0] and "1 row of arr_monthly" in notes[0]
    assert "account id is in no account" in notes[0]
    assert any(link.proto.page == "data_quality" and link.proto.label == "Data page" for link in at.get("page_link"))


def test_no_note_when_nothing_is_left_out(run_app):
    at = run_app()
    assert not [c.value for c in at.caption if "Left out" in c.value]
