"""The demo's size knob: usage_share records fewer users' usage and leaves everything else as it was."""
from datetime import date

import pandas as pd
import pytest

from chs_core.demo.build import generate_demo

SMALL = dict(seed=3, n_accounts=150, end_month=date(2025, 6, 1), n_months=8)


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    return generate_demo(**SMALL)


@pytest.fixture(scope="module")
def thin() -> dict[str, pd.DataFrame]:
    return generate_demo(**SMALL, usage_share=0.1)


def test_every_other_table_is_unchanged(full, thin):
    for name, frame in full.items():
        if name != "usage_events":
            pd.testing.assert_frame_equal(frame, thin[name], obj=name)


def test_kept_users_keep_all_their_rows_and_contacts_are_always_kept(full, thin):
    f, t = full["usage_events"], thin["usage_events"]
    kept = set(t["user_id"])
    assert kept < set(f["user_id"])
    mine = f[f["user_id"].isin(kept)].reset_index(drop=True)
    pd.testing.assert_frame_equal(t.reset_index(drop=True), mine)  # whole users, same rows, same order
    contacts = set(full["contacts"]["user_id"].dropna()) & set(f["user_id"])
    assert contacts <= kept  # sponsor and champion signals stay as they were
    others = set(f["user_id"]) - contacts
    share = len(kept - contacts) / len(others)
    assert 0.05 < share < 0.15  # about a tenth of the other users (a fixed hash, not an exact count)


def test_a_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="usage_share"):
        next(iter(generate_demo(**SMALL, usage_share=0).items()))


def test_the_demo_command_takes_a_usage_share_and_refuses_one_out_of_range(tmp_path, capsys):
    import duckdb

    from chs_core.cli import main

    with pytest.raises(SystemExit):
        main(["demo", "--out", str(tmp_path / "x.duckdb"), "--accounts", "40", "--usage-share", "1.5"])
    assert "fraction above 0 and at most 1" in capsys.readouterr().err
    out = tmp_path / "thin.duckdb"
    assert main(["demo", "--out", str(out), "--accounts", "40", "--usage-share", "0.1"]) == 0
    con = duckdb.connect(str(out), read_only=True)
    try:
        thin = con.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    finally:
        con.close()
    full = len(generate_demo(n_accounts=40)["usage_events"])
    assert 0 < thin < full / 2
