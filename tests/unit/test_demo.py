"""The demo generator: deterministic, contract-shaped, internally consistent, and its signals lead churn."""
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from chs_core.contract import ACTIVITY_OUTCOMES, ACTIVITY_TYPES, CONTACT_ROLES, PRIORITIES, SEGMENTS, TABLES
from chs_core.demo.activities import LOW_HEALTH_RESPONSE, RESPONSES
from chs_core.demo.build import DEMO_END_MONTH, DEMO_SEED, build_demo_database, generate_demo, simulate
from chs_core.demo.csms import CSM_NAMES
from chs_core.demo.stories import STORY_ACCOUNT
from chs_core.metrics.catalog import SignalSettings
from chs_core.sources import open_dataset

END_MONTH = date(2025, 6, 1)
END = pd.Timestamp("2025-06-30")  # last day of END_MONTH
FIRST = pd.Timestamp("2024-11-01")  # 8 months ending June 2025: Nov, Dec, Jan, Feb, Mar, Apr, May, Jun
SMALL = dict(seed=3, n_accounts=150, end_month=END_MONTH, n_months=8)
CHILD_TABLES = ("arr_monthly", "usage_events", "tickets", "nps_responses", "contacts", "csm_activities", "invoices")
PANDAS_KIND = {"VARCHAR": "O", "DATE": "M", "TIMESTAMP": "M", "DOUBLE": "f", "BIGINT": "i", "BOOLEAN": "b"}


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate_demo(**SMALL)


@pytest.fixture(scope="module")
def medium() -> dict[str, pd.DataFrame]:
    # Enough accounts and months for a few dozen churners with three months of history.
    return generate_demo(seed=11, n_accounts=500, end_month=END_MONTH, n_months=15)


def test_defaults_match_the_brief():
    assert DEMO_SEED == 7 and date(2026, 10, 1) == DEMO_END_MONTH


def test_same_seed_gives_identical_frames_and_another_seed_differs(small):
    again = generate_demo(**SMALL)
    for name, frame in small.items():
        pd.testing.assert_frame_equal(frame, again[name])
    other = generate_demo(**{**SMALL, "seed": 4})
    assert not other["arr_monthly"].equals(small["arr_monthly"])


def test_every_contract_table_has_exactly_the_contract_columns_with_sensible_types(small):
    assert set(small) == {t.name for t in TABLES}
    for table in TABLES:
        frame = small[table.name]
        assert list(frame.columns) == [c.name for c in table.columns], table.name
        assert len(frame) > 0, table.name
        for col in table.columns:
            kind = frame[col.name].dtype.kind
            expected = PANDAS_KIND[col.type]
            assert kind == expected or (expected == "O" and frame[col.name].dtype == "str"), (table.name, col.name)


def test_nothing_is_dated_after_the_end_or_before_the_window(small):
    for table in TABLES:
        for col in table.columns:
            if col.type not in ("DATE", "TIMESTAMP") or (table.name, col.name) in {
                    ("accounts", "renewal_date"), ("accounts", "customer_since")}:
                continue
            values = small[table.name][col.name].dropna()
            # Timestamps may fall on the last day up to 23:59:59, so compare with the day after the end.
            assert values.max() < END + pd.Timedelta(days=1), (table.name, col.name)
            assert values.min() >= FIRST - pd.Timedelta(days=31), (table.name, col.name)
    assert small["accounts"]["customer_since"].max() <= END


def test_every_child_row_belongs_to_a_known_account(small):
    known = set(small["accounts"]["account_id"])
    assert small["accounts"]["account_id"].is_unique
    for name in CHILD_TABLES:
        assert set(small[name]["account_id"]) <= known, name


def test_arr_is_one_non_negative_row_per_account_and_window_month(small):
    arr = small["arr_monthly"]
    assert (arr["arr"] >= 0).all() and (arr["seats"] >= 1).all()
    assert not arr.duplicated(["account_id", "month"]).any()
    # 8 window months, each on the first of the month.
    assert sorted(arr["month"].unique()) == list(pd.date_range(FIRST, END, freq="MS"))


def test_segments_and_shares_follow_the_contract(medium):
    seg = medium["accounts"]["segment"].value_counts(normalize=True)
    assert set(seg.index) == set(SEGMENTS)
    # Targets 60 / 30 / 10 %; 500 draws keep each share within about +-6 points.
    assert 0.52 < seg["SMB"] < 0.68 and 0.23 < seg["Mid-Market"] < 0.37 and 0.05 < seg["Enterprise"] < 0.15
    acc = medium["accounts"].set_index("account_id")
    arr = medium["arr_monthly"].merge(acc[["segment"]], left_on="account_id", right_index=True)
    first = arr.sort_values("month").groupby("account_id").first()
    med = first.groupby("segment")["arr"].median()
    assert med["SMB"] < med["Mid-Market"] < med["Enterprise"]
    assert 5_000 <= med["SMB"] <= 30_000 and 30_000 <= med["Mid-Market"] <= 150_000 and med["Enterprise"] >= 150_000


def test_churners_have_no_rows_after_they_churn_and_no_gaps_before(medium):
    arr = medium["arr_monthly"]
    # Every account pays at least its first month (a monthly plan can end the month after), with seats.
    assert set(arr["account_id"]) == set(medium["accounts"]["account_id"])
    assert (medium["accounts"]["licensed_seats"] >= 1).all()
    end_month = arr["month"].max()
    span = arr.groupby("account_id")["month"].agg(["min", "max", "count"])
    months = (span["max"].dt.year - span["min"].dt.year) * 12 + span["max"].dt.month - span["min"].dt.month + 1
    assert (months == span["count"]).all()  # contiguous: no reactivation gaps
    churn_start = (span.loc[span["max"] < end_month, "max"] + pd.offsets.MonthBegin(1)).rename("churn")
    assert len(churn_start) > 10
    for name, col in (("usage_events", "event_date"), ("tickets", "opened_at"), ("nps_responses", "responded_at")):
        rows = medium[name].merge(churn_start, left_on="account_id", right_index=True)
        assert (rows[col] < rows["churn"]).all(), name


def test_renewals_fall_on_the_contract_anniversary_and_after_the_end_for_live_accounts(medium):
    acc = medium["accounts"]
    assert (acc["renewal_date"].dt.month == acc["customer_since"].dt.month).all()
    assert (acc["renewal_date"].dt.day == acc["customer_since"].dt.day).all()
    live = set(medium["arr_monthly"].loc[lambda d: d["month"] == d["month"].max(), "account_id"])
    live_renewal = acc.loc[acc["account_id"].isin(live), "renewal_date"]
    assert (live_renewal > END).all() and (live_renewal <= END + pd.DateOffset(years=1)).all()


def test_tickets_are_resolved_after_opening_and_some_are_still_open(small):
    t = small["tickets"]
    done = t.dropna(subset=["resolved_at"])
    assert (done["resolved_at"] > done["opened_at"]).all()
    assert t["resolved_at"].isna().any() and set(t["priority"]) <= set(PRIORITIES)
    assert t["csat"].dropna().between(1, 5).all() and t["csat"].isna().any()
    assert t["ticket_id"].is_unique


def test_people_activities_and_invoices_use_the_contract_vocabulary(small):
    c, a, inv, nps = small["contacts"], small["csm_activities"], small["invoices"], small["nps_responses"]
    assert set(c["role"]) == set(CONTACT_ROLES) and c["contact_id"].is_unique
    assert c.loc[c["role"] == "champion", "is_champion"].all()
    assert set(a["activity_type"]) == set(ACTIVITY_TYPES) and set(a["outcome"]) <= set(ACTIVITY_OUTCOMES)
    assert set(nps["respondent_role"]) <= set(CONTACT_ROLES) and nps["score"].between(0, 10).all()
    assert inv["invoice_id"].is_unique and (inv["amount"] > 0).all()
    paid = inv.dropna(subset=["paid_date"])
    assert ((paid["paid_date"] - paid["due_date"]).dt.days <= 0).mean() > 0.7  # mostly on time


def test_contact_users_log_in_and_usage_is_one_row_per_user_day_feature(small):
    u, c = small["usage_events"], small["contacts"]
    assert not u.duplicated(["user_id", "event_date", "feature"]).any()
    assert (u["event_count"] >= 1).all()
    assert {"integrations", "automation", "team_management"} <= set(u["feature"]) and u["feature"].nunique() >= 11
    assert (u["user_id"].str.slice(0, 9) == u["account_id"]).all()
    champions = c.loc[(c["role"] == "champion") & c["user_id"].notna(), "user_id"]
    assert champions.isin(set(u["user_id"])).mean() > 0.8
    assert c["user_id"].isna().any() and c["left_date"].notna().any()


def test_risk_notes_carry_the_default_keywords_and_other_notes_none(medium):
    notes = medium["csm_activities"]["notes"].dropna().str.lower()
    settings = SignalSettings()
    risky = notes.str.contains("|".join(settings.competitor_keywords + settings.budget_keywords))
    assert notes.str.contains("competitor").any() and notes.str.contains("budget").any()
    # Every note matching a default keyword says "competitor" or "budget" outright.
    assert notes[risky].str.contains("competitor|budget").all()


def test_signals_worsen_in_the_three_months_before_churn(medium):
    """Churners' months m-3..m-1 vs stayer account-months of the same segment, computed from the frames alone."""
    arr, u, t = medium["arr_monthly"], medium["usage_events"], medium["tickets"]
    end_month = arr["month"].max()
    last = arr.groupby("account_id")["month"].max()
    churn = (last[last < end_month] + pd.offsets.MonthBegin(1)).rename("churn")
    users = (u.assign(month=u["event_date"].dt.to_period("M").dt.start_time)
             .groupby(["account_id", "month"])["user_id"].nunique().rename("users"))
    bad = t[t["escalated"] | t["priority"].isin(["P0", "P1"])]  # escalated or urgent tickets
    esc = (bad.assign(month=bad["opened_at"].dt.to_period("M").dt.start_time)
           .groupby(["account_id", "month"]).size().rename("esc"))
    m = arr.join(users, on=["account_id", "month"]).join(esc, on=["account_id", "month"]).fillna({"users": 0, "esc": 0})
    m["ratio"] = m["users"] / m["seats"]
    m = m.join(churn, on="account_id").join(medium["accounts"].set_index("account_id")["segment"], on="account_id")
    lead = (m["churn"].dt.year - m["month"].dt.year) * 12 + m["churn"].dt.month - m["month"].dt.month
    before = m[lead.between(1, 3)]
    stay = m[m["churn"].isna()]
    assert before["account_id"].nunique() >= 20
    # Churners are mostly SMB, so compare with stayers weighted to the churners' segment mix.
    expected = stay.groupby("segment")[["ratio", "esc"]].mean().loc[before["segment"]].mean()
    assert before["ratio"].mean() < 0.85 * expected["ratio"]
    assert before["esc"].mean() > 1.5 * expected["esc"]


def test_latent_world_gives_realistic_annual_retention():
    """GRR, NRR and logo retention over the last 12 months of the default world (arrays only, fast)."""
    w = simulate()
    start, end = w.arr[:, -13], w.arr[:, -1]
    cohort = start > 0  # customers active at the period start; new logos excluded
    grr = np.minimum(start, end)[cohort].sum() / start[cohort].sum()
    nrr = end[cohort].sum() / start[cohort].sum()
    logo = (end[cohort] > 0).mean()
    assert 0.85 <= grr <= 0.95 and 1.0 <= nrr <= 1.12 and 0.85 <= logo <= 0.94
    assert 1800 <= w.active.any(axis=1).sum() <= 2000


def test_build_demo_database_writes_contract_typed_tables_atomically(tmp_path):
    path = build_demo_database(tmp_path / "demo.duckdb", seed=5, n_accounts=40, end_month=END_MONTH, n_months=4)
    assert [p.name for p in tmp_path.iterdir()] == ["demo.duckdb"]  # no temp file left behind
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table in TABLES:
            cols = con.execute(f'DESCRIBE "{table.name}"').fetchall()
            assert [(r[0], r[1]) for r in cols] == [(c.name, c.type) for c in table.columns]
        n_acc = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    finally:
        con.close()
    assert n_acc == 40
    ds = open_dataset(path)
    try:
        assert ds.present == {t.name for t in TABLES}
        assert ds.df("SELECT count(*) AS n FROM arr_monthly WHERE arr < ?", [0])["n"].iloc[0] == 0
    finally:
        ds.close()


def test_csms_respond_to_some_risk_moments_in_time_some_later_some_never():
    """Responses follow the hidden process (world.moment), each CSM at their own pace (csms.RESPOND, QUICK)."""
    w = simulate(seed=11, n_accounts=500, end_month=END_MONTH, n_months=15)
    r = w.response[w.moment]
    assert (w.response[~w.moment] == -1).all()  # no response without a risk moment
    assert len(r) > 200
    in_time, later, never = (r >= 1) & (r <= 14), r > 14, r < 0
    # Averaged over the CSMs' books: about 0.7 respond, about 0.6 of those within 14 days.
    assert 0.3 < in_time.mean() < 0.6 and 0.15 < later.mean() < 0.45 and 0.15 < never.mean() < 0.45
    # The quickest CSM (Rachel Stein, Enterprise) answers in time far more often than the slowest (Ethan Cole, SMB).
    names = CSM_NAMES[w.csm[np.nonzero(w.moment)[0]]]
    assert in_time[names == "Rachel Stein"].mean() > in_time[names == "Ethan Cole"].mean() + 0.3


def test_a_timely_response_lifts_next_months_health():
    """Health persists at RHO = 0.8; a response within 14 days adds LIFT_IN_TIME (0.6) the month after."""
    w = simulate(seed=11, n_accounts=500, end_month=END_MONTH, n_months=15)
    acc, t = np.nonzero(w.moment[:, :-1])
    keep = w.active[acc, t + 1] & ~np.any([s[acc, t + 1] for s in w.shocks.values()], axis=0)
    acc, t = acc[keep], t[keep]
    step = w.health[acc, t + 1] - 0.8 * w.health[acc, t]
    r = w.response[acc, t]
    gain = step[(r >= 1) & (r <= 14)].mean() - step[r < 0].mean()
    assert 0.45 < gain < 0.75  # 0.6, give or take the noise (sd 0.25 per month) and the segment mix


def test_csm_response_activities_are_the_worlds_responses_dated_from_the_month_end_review(medium):
    a = medium["csm_activities"]
    responses = a[a["notes"].isin([note for _, _, note in RESPONSES] + [LOW_HEALTH_RESPONSE[1]])]
    assert (responses["outcome"] == "held").all() and set(responses["activity_type"]) <= {"call", "meeting", "training"}
    # Rebuild them from the latent world: last day of the moment's month + the response delay, up to the end.
    w = simulate(seed=11, n_accounts=500, end_month=END_MONTH, n_months=15)
    acc, t = np.nonzero(w.response >= 0)
    month_end = pd.to_datetime(w.month_starts[t + 1]) - pd.Timedelta(days=1)
    expected = pd.DataFrame({"account_id": [f"ACC-{i + 1:05d}" for i in acc],
                             "activity_date": month_end + pd.to_timedelta(w.response[acc, t], unit="D")})
    expected = expected[(expected["activity_date"] <= END) & (expected["account_id"] != STORY_ACCOUNT)]
    assert len(expected) > 100
    key = ["account_id", "activity_date"]
    pd.testing.assert_frame_equal(responses[key].sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True), check_dtype=False)


def _churn_months(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """First month without ARR per churned account (from arr_monthly alone)."""
    arr = frames["arr_monthly"]
    last = arr.groupby("account_id")["month"].max()
    return (last[last < arr["month"].max()] + pd.offsets.MonthBegin(1)).rename("churn")


def test_monthly_smb_plans_end_in_any_month_annual_contracts_at_their_anniversary(medium):
    churn = _churn_months(medium)
    acc = medium["accounts"].set_index("account_id").loc[churn.index]
    off = churn.dt.month != acc["customer_since"].dt.month  # not at the contract anniversary
    # Half of SMB is on monthly plans (churn.MONTHLY_SHARE), which end 1-3 months after the intent forms,
    # in whatever month that is: about 11 in 12 of their exits miss the anniversary month.
    assert off.sum() >= 10 and 0.2 < off.mean() < 0.8
    assert (acc.loc[off, "segment"] == "SMB").all()  # Mid-Market and Enterprise have annual contracts only


def test_usage_declines_in_the_months_before_churn_against_the_same_accounts_earlier(medium):
    """Leading signal: churners' active-user ratio in months m-3..m-1 vs m-6..m-4 (same accounts)."""
    churn = _churn_months(medium)
    u = medium["usage_events"]
    users = (u.assign(month=u["event_date"].dt.to_period("M").dt.start_time)
             .groupby(["account_id", "month"])["user_id"].nunique().rename("users"))
    m = medium["arr_monthly"].join(users, on=["account_id", "month"]).fillna({"users": 0})
    m = m.join(churn, on="account_id", how="inner")
    m["ratio"] = m["users"] / m["seats"]
    lead = (m["churn"].dt.year - m["month"].dt.year) * 12 + m["churn"].dt.month - m["month"].dt.month
    both = m.assign(near=lead.between(1, 3), far=lead.between(4, 6)).groupby("account_id")
    per = pd.DataFrame({"near": both.apply(lambda g: g.loc[g["near"], "ratio"].mean()),
                        "far": both.apply(lambda g: g.loc[g["far"], "ratio"].mean())}).dropna()
    assert len(per) >= 15
    # The exit intent drags observed health down by 0.6 for the one to three months before the end.
    assert (per["near"] < per["far"]).mean() > 0.6 and per["near"].mean() < 0.9 * per["far"].mean()


def test_question_tickets_are_noise_while_urgent_tickets_signal(medium):
    """P2/P3 volume per seat comes from a per-account habit: churners' last three months look like stayers'."""
    churn = _churn_months(medium)
    arr, t = medium["arr_monthly"], medium["tickets"]
    month = t["opened_at"].dt.to_period("M").dt.start_time
    counts = pd.DataFrame({"q": (~t["priority"].isin(["P0", "P1"])).groupby([t["account_id"], month]).sum(),
                           "u": t["priority"].isin(["P0", "P1"]).groupby([t["account_id"], month]).sum()})
    counts.index.names = ["account_id", "month"]
    m = arr.join(counts, on=["account_id", "month"]).fillna({"q": 0, "u": 0}).join(churn, on="account_id")
    lead = (m["churn"].dt.year - m["month"].dt.year) * 12 + m["churn"].dt.month - m["month"].dt.month
    before, stay = m[lead.between(1, 3)], m[m["churn"].isna()]
    q_ratio = (before["q"] / before["seats"]).mean() / (stay["q"] / stay["seats"]).mean()
    u_ratio = (before["u"] / before["seats"]).mean() / (stay["u"] / stay["seats"]).mean()
    assert 0.6 < q_ratio < 1.5 and u_ratio > 1.5


def test_the_demo_command_never_replaces_an_existing_file_without_force(tmp_path, capsys):
    from chs_core.cli import main

    out = tmp_path / "mine.duckdb"
    out.write_bytes(b"a user's own database")
    assert main(["demo", "--out", str(out), "--accounts", "40"]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"a user's own database"
    assert main(["demo", "--out", str(tmp_path), "--accounts", "40"]) == 2  # a folder: message, no traceback
    assert "is a folder" in capsys.readouterr().err
    assert main(["demo", "--out", str(out), "--accounts", "40", "--force"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.duckdb"]  # nothing else written beside it
    con = duckdb.connect(str(out), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM accounts").fetchone()[0] == 40
    finally:
        con.close()


def test_usage_is_drawn_in_chunks_of_accounts_each_with_its_own_stream(monkeypatch):
    """Chunks bound memory; each chunk has its own stream, so rows depend on the chunk size only, and the
    chunked frame has the contract's plain string columns, every account within its own chunk."""
    from chs_core.demo import usage

    one = generate_demo(**SMALL)["usage_events"]
    monkeypatch.setattr(usage, "ACCOUNTS_PER_CHUNK", 50)  # 150 accounts: three chunks
    three = generate_demo(**SMALL)["usage_events"]
    assert three["user_id"].dtype == "str" and three["account_id"].dtype == "str"
    assert not three.duplicated(["user_id", "event_date", "feature"]).any()
    assert (three["user_id"].str.slice(0, 9) == three["account_id"]).all()
    # Other streams per chunk: different draws, but the same accounts use the product, in similar volume.
    assert set(one["account_id"]) == set(three["account_id"])
    assert 0.9 < len(three) / len(one) < 1.1


def test_big_books_build_tickets_activities_and_invoices_per_chunk_of_accounts(monkeypatch, small):
    from chs_core.demo import build

    monkeypatch.setattr(build, "TABLE_CHUNK", 40)  # 150 accounts: four chunks with their own streams
    four = generate_demo(**SMALL)
    for name, key in (("tickets", "ticket_id"), ("invoices", "invoice_id")):
        assert four[name][key].is_unique and len(four[name]) > 0.8 * len(small[name])  # ids run on across chunks
    for name in ("tickets", "csm_activities", "invoices"):
        assert list(four[name].dtypes) == list(small[name].dtypes)
        assert set(four[name]["account_id"]) <= set(small["accounts"]["account_id"])
    story = four["csm_activities"]["account_id"] == STORY_ACCOUNT  # the story lands once, in its own chunk
    assert story.sum() == (small["csm_activities"]["account_id"] == STORY_ACCOUNT).sum()
