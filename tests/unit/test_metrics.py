"""compute_metrics on tiny hand-built data; every expected number is worked out in a comment.

The as-of date is T = 2024-06-30 unless a test says otherwise. Windows are (T-n, T]:
28 days -> (06-02, 06-30], 56 -> (05-05, ...], 90 -> (04-01, ...], 180 -> (2024-01-02, ...],
365 -> (2023-07-01, ...].
Accounts: A and B and D are customers at T; C churned (no June ARR row).
"""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from chs_core.metrics.catalog import FLAG_SIGNALS, METRIC_NAMES, SignalSettings
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.sources import dataset_from_frames

T = date(2024, 6, 30)
NAN = float("nan")


def _accounts() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["A", "B", "C", "D"], "account_name": ["A", "B", "C", "D"],
        "segment": ["SMB"] * 4, "licensed_seats": [99, 4, 3, 2],
        "renewal_date": ["2024-09-28", None, None, None],
        "customer_since": ["2023-01-15", None, None, None],
    })


def _arr() -> pd.DataFrame:
    rows = [("A", f"2024-0{m}-01", 1200.0 if m == 6 else 1000.0, {3: 8, 6: 10}.get(m)) for m in range(1, 7)]
    rows += [("B", f"2024-0{m}-01", 500.0, None) for m in range(2, 7)]
    rows += [("C", f"2024-0{m}-01", 300.0, None) for m in range(1, 6)]  # no June row: churned
    rows += [("D", "2024-06-01", 50.0, None)]
    return pd.DataFrame(rows, columns=["account_id", "month", "arr", "seats"])


def _frames(**tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"accounts": _accounts(), "arr_monthly": _arr(), **tables}


def _at(frames: dict, when: date = T, settings: SignalSettings = SignalSettings()) -> pd.DataFrame:
    """Metrics at one date, indexed by account_id."""
    return compute_metrics(dataset_from_frames(frames), [when], settings).set_index("account_id")


def _usage() -> pd.DataFrame:
    return pd.DataFrame([
        ("A", "u1", "2024-06-30", "reports", 3),       # T itself is in the window
        ("A", "u1", "2024-06-10", "integrations", 1),  # key feature
        ("A", "u2", "2024-06-03", "reports", 2),
        ("A", "u3", "2024-06-02", "reports", 9),       # T-28: prior window
        ("A", "u3", "2024-05-06", "automation", 1),    # prior window
        ("A", "u3", "2024-05-05", "export", 4),        # T-56: outside both windows
        ("A", "u9", "2024-07-01", "search", 100),      # after T
        ("A", "u2", "2024-04-02", "reports", 1),       # 89 days before T
        ("B", "b1", "2024-06-01", "reports", 1),       # prior window only
    ], columns=["account_id", "user_id", "event_date", "feature", "event_count"])


def _contacts() -> pd.DataFrame:
    return pd.DataFrame([
        ("c1", "A", "executive_sponsor", False, "u2", None),
        ("c2", "A", "champion", False, None, "2024-04-02"),  # left 89 days before T
        ("c3", "A", "admin", True, None, "2024-04-01"),      # champion flag; left exactly T-90: outside
        ("c4", "A", "champion", False, None, "2024-07-15"),  # leaves after T
        ("c5", "B", "executive_sponsor", False, "b1", "2024-06-15"),  # gone by T
        ("c6", "D", "executive_sponsor", False, "d1", None),  # never used the product
    ], columns=["contact_id", "account_id", "role", "is_champion", "user_id", "left_date"])


def _tickets() -> pd.DataFrame:
    return pd.DataFrame([
        ("t1", "A", "2024-06-30 10:00", "2024-06-30 14:00", "P0", True, 5.0),   # 4 h
        ("t2", "A", "2024-05-01 00:00", "2024-05-02 00:00", "P2", True, 3.0),   # 24 h
        ("t3", "A", "2024-04-01 12:00", "2024-04-03 12:00", "P1", True, 1.0),   # opened T-90, resolved in window, 48 h
        ("t4", "A", "2024-06-20 09:00", None, "P1", False, None),               # still open
        ("t5", "A", "2024-06-29 09:00", "2024-07-02 09:00", "P3", True, 1.0),   # resolved after T
        ("t6", "A", "2024-07-01 09:00", None, "P0", True, None),                # opened after T
        ("t7", "A", "2023-12-01 09:00", "2024-01-02 09:00", "P3", False, 1.0),  # resolved T-180: outside
    ], columns=["ticket_id", "account_id", "opened_at", "resolved_at", "priority", "escalated", "csat"])


def _nps() -> pd.DataFrame:
    return pd.DataFrame([
        ("A", "2024-06-30", 10, "executive_sponsor"),  # age 0
        ("A", "2024-04-01", 3, "end_user"),            # age 90
        ("A", "2024-01-02", 8, "decision_maker"),      # age 180
        ("A", "2023-07-01", 0, "end_user"),            # age 365: outside
        ("A", "2024-07-01", 0, "decision_maker"),      # after T
        ("B", "2024-06-30", 6, "decision_maker"),
        ("B", "2024-01-01", 2, "executive_sponsor"),   # age 181: in NPS, not in the 180-day flag
    ], columns=["account_id", "responded_at", "score", "respondent_role"])


def _activities() -> pd.DataFrame:
    return pd.DataFrame([
        ("A", "2024-06-30", "meeting", "held", "Customer is EVALUATING other tools"),
        ("A", "2024-04-02", "qbr", "held", "Budget freeze; Competitor X pitched"),
        ("A", "2024-04-01", "call", "held", "competitor"),       # T-90: outside
        ("A", "2024-05-01", "meeting", "cancelled", None),
        ("A", "2024-06-01", "renewal_meeting", "missed", None),
        ("A", "2024-01-03", "training", "held", None),
        ("A", "2024-01-02", "training", "held", None),            # T-180: outside
        ("A", "2024-05-15", "email", "held", "Procurement Review and budget talk"),
        ("A", "2024-07-01", "renewal_meeting", "missed", "budget"),  # after T
    ], columns=["account_id", "activity_date", "activity_type", "outcome", "notes"])


def _invoices() -> pd.DataFrame:
    return pd.DataFrame([
        ("i1", "A", "2024-06-01", "2024-07-10"),  # paid after T: 29 days past due at T
        ("i2", "A", "2024-05-01", "2024-05-20"),
        ("i3", "A", "2024-06-30", None),          # due on T: not yet past due
        ("i4", "A", "2024-04-15", "2024-06-30"),  # paid on T
        ("i5", "B", "2024-03-01", None),          # 121 days past due
        ("i6", "B", "2024-06-10", None),          # 20 days
    ], columns=["invoice_id", "account_id", "due_date", "paid_date"])


def _all_tables() -> dict[str, pd.DataFrame]:
    return _frames(usage_events=_usage(), contacts=_contacts(), tickets=_tickets(), nps_responses=_nps(),
                   csm_activities=_activities(), invoices=_invoices())


def test_columns_and_types():
    out = compute_metrics(dataset_from_frames(_all_tables()), [T])
    expected = ["account_id", "as_of", "ref_month", "arr", "seats", *METRIC_NAMES, *(s.name for s in FLAG_SIGNALS)]
    assert list(out.columns) == expected
    assert str(out["as_of"].dtype).startswith("datetime64")
    assert all(out[c].dtype == "float64" for c in expected[3:])


def test_customers_reference_month_and_arr_history():
    m = _at(_frames())
    assert sorted(m.index) == ["A", "B", "D"]  # C has no June row
    assert (m["ref_month"] == pd.Timestamp("2024-06-01")).all()
    # A: 1200 / 1000 (March) - 1 = 0.2; seats 10 / 8 - 1 = 0.25; seats from arr_monthly (10, not 99)
    assert m.loc["A", ["arr", "seats", "arr_trend", "seat_trend"]].tolist() == pytest.approx([1200, 10, 0.2, 0.25])
    # B: 500 / 500 - 1 = 0; no monthly seats -> licensed 4 and no seat trend
    assert m.loc["B", ["seats", "arr_trend"]].tolist() == [4, 0]
    assert math.isnan(m.loc["B", "seat_trend"])
    # D: first paid month is June, nothing 3 months before -> trend undefined
    assert math.isnan(m.loc["D", "arr_trend"])
    # tenure: A 2023-01-15 -> 2024-06-30 = 17 whole months; B 2024-02-01 -> 4; D 2024-06-01 -> 0
    assert m["tenure_months"].tolist() == [17, 4, 0]
    # days to renewal: 2024-06-30 -> 2024-09-28 = 90 days; B has no renewal date
    assert m.loc["A", "days_to_renewal"] == 90
    assert math.isnan(m.loc["B", "days_to_renewal"])


def test_reference_month_is_latest_month_present_over_all_accounts():
    # On 2024-07-15 no July row exists anywhere, so June is the reference month.
    m = _at(_frames(), date(2024, 7, 15))
    assert sorted(m.index) == ["A", "B", "D"]
    assert (m["ref_month"] == pd.Timestamp("2024-06-01")).all()
    # Before the first month there is no customer at all.
    assert _at(_frames(), date(2023, 12, 31)).empty


def test_usage_metrics():
    m = _at(_frames(usage_events=_usage()))
    # A, 28 days: u1 (3 + 1 events), u2 (2) -> 2 active users of 10 seats = 0.2
    # features in 28 days: reports, integrations = 2 of 4 seen by T (reports, integrations,
    # automation, export; 'search' first appears after T) = 0.5
    # key feature users: u1 (integrations) of 2 = 0.5; depth 6 events / 2 users = 3
    # trend: prior window (05-05, 06-02] has 9 + 1 = 10 events -> 6 / 10 - 1 = -0.4
    a = m.loc["A"]
    assert [a.active_user_ratio, a.feature_breadth, a.key_feature_adoption, a.usage_depth, a.usage_trend] == \
        pytest.approx([0.2, 0.5, 0.5, 3.0, -0.4])
    # B: nothing in 28 days, 1 event before -> 0 users, used nothing (0, not missing), trend 0 / 1 - 1 = -1
    b = m.loc["B"]
    assert [b.active_user_ratio, b.feature_breadth, b.key_feature_adoption, b.usage_depth, b.usage_trend] == \
        pytest.approx([0, 0, 0, 0, -1])
    # D: no events ever: trend undefined
    assert math.isnan(m.loc["D", "usage_trend"])


def test_key_features_come_from_settings():
    # With only 'reports' as key feature, both active users of A used it: 2 / 2 = 1
    m = _at(_frames(usage_events=_usage()), settings=SignalSettings(key_features=("Reports",)))
    assert m.loc["A", "key_feature_adoption"] == 1


def test_contacts_sponsor_and_champions():
    m = _at(_frames(usage_events=_usage(), contacts=_contacts()))
    # A: sponsor u2 used the product on 06-03 (and 04-02) -> 1
    # D: sponsor d1 never used it -> 0; B: its sponsor left on 06-15 -> no sponsor -> missing
    assert m.loc["A", "exec_sponsor_active"] == 1
    assert m.loc["D", "exec_sponsor_active"] == 0
    assert math.isnan(m.loc["B", "exec_sponsor_active"])
    # champions left in (04-01, 06-30]: c2 only (c3 left on T-90, c4 after T) -> A 1, B 0, D 0
    assert m["champion_left_90d"].tolist() == [1, 0, 0]


def test_contacts_without_user_id_or_left_date_give_missing():
    contacts = _contacts().drop(columns=["user_id", "left_date"])
    m = _at(_frames(usage_events=_usage(), contacts=contacts))
    assert m["exec_sponsor_active"].isna().all()
    assert m["champion_left_90d"].isna().all()


def test_support_metrics():
    m = _at(_frames(tickets=_tickets()))
    a = m.loc["A"]
    # opened in (04-01, 06-30]: t1, t2, t4, t5 = 4 tickets / 10 seats = 0.4
    assert a.tickets_per_seat_90d == pytest.approx(0.4)
    # urgent: t1 (P0), t4 (P1) = 2; escalated in 90 days: t1, t2, t5 = 3; in 30 days (05-31, 06-30]: t1, t5 = 2
    assert [a.urgent_tickets_90d, a.escalations_90d, a.escalations_30d] == [2, 3, 2]
    # resolved in (04-01, 06-30]: t1 4 h, t2 24 h, t3 48 h -> median 24
    assert a.resolution_hours_90d == pytest.approx(24)
    # CSAT of tickets resolved in (01-02, 06-30]: t1 5, t2 3, t3 1 -> 3 (t5 resolved after T, t7 on 01-02)
    assert a.csat_180d == pytest.approx(3)
    # B: no tickets: counts 0, resolution and CSAT undefined
    b = m.loc["B"]
    assert [b.tickets_per_seat_90d, b.urgent_tickets_90d, b.escalations_90d, b.escalations_30d] == [0, 0, 0, 0]
    assert math.isnan(b.resolution_hours_90d) and math.isnan(b.csat_180d)


def test_escalations_missing_without_escalated_column():
    m = _at(_frames(tickets=_tickets().drop(columns=["escalated"])))
    assert m["escalations_90d"].isna().all() and m["escalations_30d"].isna().all()
    assert m.loc["A", "urgent_tickets_90d"] == 2


def test_nps_weighting():
    m = _at(_frames(nps_responses=_nps()))
    # A: weights = role (2 for decision makers) x 0.5 ** (age / 90)
    #   10 from sponsor, age 0:     2 x 1    = 2    promoter
    #    3 from end user, age 90:   1 x 0.5  = 0.5  detractor
    #    8 from DM, age 180:        2 x 0.25 = 0.5  passive
    #   NPS = 100 x (2 - 0.5) / 3 = 50
    assert m.loc["A", "nps"] == pytest.approx(50)
    # B: only detractors -> -100; DM detractors in (01-02, 06-30]: the 06-30 answer = 1
    assert m.loc["B", "nps"] == pytest.approx(-100)
    assert m["dm_detractors_180d"].tolist() == [0, 1, 0]
    # D: no answer -> NPS missing
    assert math.isnan(m.loc["D", "nps"])


def test_nps_without_roles_weighs_everyone_alike():
    m = _at(_frames(nps_responses=_nps().drop(columns=["respondent_role"])))
    # A: weights 1, 0.5, 0.25 -> 100 x (1 - 0.5) / 1.75 = 28.571...
    assert m.loc["A", "nps"] == pytest.approx(100 * 0.5 / 1.75)
    assert m["dm_detractors_180d"].isna().all()


def test_csm_activity_metrics():
    m = _at(_frames(csm_activities=_activities()))
    a = m.loc["A"]
    # meetings/QBRs/calls held in (04-01, 06-30]: 06-30 meeting, 04-02 QBR = 2 (call on 04-01 out, 05-01 cancelled)
    # trainings held in (01-02, 06-30]: 01-03 = 1; missed renewal meetings: 06-01 = 1 (07-01 is after T)
    # competitor notes: 'EVALUATING' (06-30), 'Competitor' (04-02) = 2
    # budget notes: 'Budget freeze' (04-02), 'Procurement Review ... budget' (05-15, counted once) = 2
    assert [a.meetings_90d, a.trainings_180d, a.missed_renewal_meetings_90d,
            a.competitor_mentions_90d, a.budget_mentions_90d] == [2, 1, 1, 2, 2]
    assert (m.loc[["B", "D"], ["meetings_90d", "budget_mentions_90d"]] == 0).all().all()
    # Custom keywords: only the 04-02 note says 'pitched'; no budget keyword at all -> 0
    custom = _at(_frames(csm_activities=_activities()),
                 settings=SignalSettings(competitor_keywords=("PITCHED",), budget_keywords=()))
    assert custom.loc["A", ["competitor_mentions_90d", "budget_mentions_90d"]].tolist() == [1, 0]


def test_activities_without_notes_or_outcome_give_missing_mentions():
    m = _at(_frames(csm_activities=_activities().drop(columns=["notes", "outcome"])))
    assert m[["competitor_mentions_90d", "budget_mentions_90d", "missed_renewal_meetings_90d"]].isna().all().all()
    # outcome defaults to held: meetings 06-30, 04-02 and the 05-01 one = 3
    assert m.loc["A", "meetings_90d"] == 3


def test_days_past_due():
    m = _at(_frames(invoices=_invoices()))
    # A: i1 due 06-01 paid 07-10 -> unpaid at T, 29 days; B: i5 due 03-01 -> 121 days; D: none -> 0
    assert m["days_past_due"].tolist() == [29, 121, 0]
    assert _at(_frames(invoices=_invoices().drop(columns=["paid_date"])))["days_past_due"].isna().all()


def test_absent_tables_give_missing_not_zero():
    m = _at(_frames())
    sourced = [n for n in METRIC_NAMES + tuple(s.name for s in FLAG_SIGNALS)
               if n not in ("arr_trend", "seat_trend", "days_to_renewal", "tenure_months")]
    assert m[sourced].isna().all().all()


def test_data_after_t_changes_nothing_at_t():
    later = _all_tables()
    add = {
        "usage_events": [("A", "u1", "2024-07-02", "reports", 50), ("B", "b1", "2024-07-01", "automation", 5)],
        "tickets": [("t9", "B", "2024-07-01 08:00", "2024-07-01 09:00", "P0", True, 1.0)],
        "nps_responses": [("A", "2024-07-03", 0, "executive_sponsor")],
        "csm_activities": [("B", "2024-07-01", "meeting", "held", "competitor budget")],
        "arr_monthly": [("A", "2024-07-01", 0.0, 0), ("B", "2024-07-01", 900.0, 9)],  # A churns, B expands
        "invoices": [("i9", "D", "2024-07-01", None)],
    }
    for name, rows in add.items():
        later[name] = pd.concat([later[name], pd.DataFrame(rows, columns=later[name].columns)], ignore_index=True)
    later["contacts"].loc[later["contacts"].contact_id == "c1", "left_date"] = "2024-08-01"  # sponsor leaves later
    later["contacts"] = pd.concat([later["contacts"], pd.DataFrame(
        [("c9", "B", "champion", True, None, "2024-07-20")], columns=later["contacts"].columns)], ignore_index=True)
    later["invoices"].loc[later["invoices"].invoice_id == "i5", "paid_date"] = "2024-07-05"  # paid after T
    before = compute_metrics(dataset_from_frames(_all_tables()), [T])
    after = compute_metrics(dataset_from_frames(later), [T])
    pd.testing.assert_frame_equal(before, after)


def test_many_dates_equal_single_dates():
    dates = [date(2024, 3, 31), date(2024, 5, 31), T, date(2024, 7, 15)]
    ds = dataset_from_frames(_all_tables())
    many = compute_metrics(ds, dates)
    singles = pd.concat([compute_metrics(ds, [d]) for d in dates], ignore_index=True)
    pd.testing.assert_frame_equal(many, singles)
    assert many.groupby("as_of")["account_id"].apply(list).tolist() == [
        ["A", "B", "C"], ["A", "B", "C"], ["A", "B", "D"], ["A", "B", "D"]]


def test_churned_account_absent_after_churn():
    ds = dataset_from_frames(_frames())
    out = compute_metrics(ds, [date(2024, 5, 31), T, date(2024, 12, 31)])
    assert out.loc[out.account_id == "C", "as_of"].tolist() == [pd.Timestamp("2024-05-31")]


def test_month_end_dates():
    assert month_end_dates(date(2024, 1, 15), date(2024, 4, 30)) == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert month_end_dates(date(2024, 1, 31), date(2024, 2, 28)) == [date(2024, 1, 31)]
    assert month_end_dates(date(2024, 3, 1), date(2024, 2, 1)) == []


def _renewal_frames(renewals: dict[str, str]) -> dict[str, pd.DataFrame]:
    """One customer per renewal date, paying since 2020-01 (so every T after that has a row)."""
    ids = list(renewals)
    return {
        "accounts": pd.DataFrame({"account_id": ids, "account_name": ids, "segment": ["SMB"] * len(ids),
                                  "licensed_seats": [5] * len(ids), "renewal_date": list(renewals.values())}),
        "arr_monthly": pd.DataFrame({"account_id": ids, "month": ["2020-01-01"] * len(ids),
                                     "arr": [100.0] * len(ids)}),
    }


def _days_to_renewal(renewal: str, when: date) -> float:
    return _at(_renewal_frames({"X": renewal}), when).loc["X", "days_to_renewal"]


@pytest.mark.parametrize(("renewal", "when", "days"), [
    # Oct 31 -> Mar 1 (2027 not leap): Nov 30 + Dec 31 + Jan 31 + Feb 28 + 1 = 121
    ("2027-03-01", date(2026, 10, 31), 121),
    # a year earlier: the anniversary ahead is 2026-03-01; Feb 2026 has 28 days -> 121 again
    ("2027-03-01", date(2025, 10, 31), 121),
    # anniversary 2024-03-01; Feb 2024 has 29 days -> 30 + 31 + 31 + 29 + 1 = 122
    ("2027-03-01", date(2023, 10, 31), 122),
    # boundary: an anniversary on T itself counts, renewal is today -> 0 (not 365)
    ("2027-03-01", date(2026, 3, 1), 0),
    ("2027-03-01", date(2024, 3, 1), 0),
    # the day after, the next anniversary 2027-03-01 is 365 - 1 = 364 days away (no Feb 29 in between)
    ("2027-03-01", date(2026, 3, 2), 364),
    # current T: the snapshot itself, 2027-01-01 -> 2027-03-01 = 31 + 28 = 59
    ("2027-03-01", date(2027, 1, 1), 59),
    # Feb 29 renewal: in 2026 the anniversary is 2026-02-28 (< T), so 2027-02-28;
    # Jun 30 -> Feb 28: Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31 + Jan 31 + Feb 28 = 243
    ("2028-02-29", date(2026, 6, 30), 243),
    # anniversary 2027-02-28 on T -> 0; from 2027-03-01 the next is 2028-02-29: 366 - 1 = 365
    ("2028-02-29", date(2027, 2, 28), 0),
    ("2028-02-29", date(2027, 3, 1), 365),
    # four years back the leap day exists: 2024-02-29 on T -> 0
    ("2028-02-29", date(2024, 2, 29), 0),
    # overdue: renewal_date before T stays negative, 2024-06-01 -> 2024-06-30 = -29
    ("2024-06-01", date(2024, 6, 30), -29),
])
def test_days_to_renewal_counts_to_the_anniversary_ahead_of_t(renewal, when, days):
    assert _days_to_renewal(renewal, when) == days


def test_days_to_renewal_many_dates_in_one_query():
    frames = _renewal_frames({"X": "2027-03-01", "Y": "2028-02-29", "Z": None})
    out = compute_metrics(dataset_from_frames(frames), [date(2025, 10, 31), date(2026, 6, 30)])
    got = out.set_index(["as_of", "account_id"])["days_to_renewal"]
    # X: 121 at 2025-10-31 (see above); at 2026-06-30 -> 2027-03-01: 184 (to Dec 31) + 31 + 28 + 1 = 244
    # Y: 2025-10-31 -> 2026-02-28: 30 + 31 + 31 + 28 = 120; at 2026-06-30 -> 243 (see above)
    assert got[(pd.Timestamp("2025-10-31"), "X")] == 121
    assert got[(pd.Timestamp("2026-06-30"), "X")] == 244
    assert got[(pd.Timestamp("2025-10-31"), "Y")] == 120
    assert got[(pd.Timestamp("2026-06-30"), "Y")] == 243
    assert got.xs("Z", level="account_id").isna().all()  # no renewal date -> missing
