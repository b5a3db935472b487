"""Closing the loop on a hand-made history whose every figure is worked out in the comments.

Month-end scores Jan-Jun 2025; flags dated 2025-02-28 unless said otherwise; as-of 2025-07-05.

| account | CSM | at risk (Jan..Jun)   | CSM activity after the flag                       | ARR                      |
|---------|-----|----------------------|---------------------------------------------------|--------------------------|
| P       | Ann | no yes no yes no no  | meeting on the flag day (not after), call Mar 13  | 1000                     |
| Q       | Ann | no yes yes yes yes yes | email Mar 1, missed meeting Mar 2, meeting Mar 15 | 1000, 800 from May     |
| R       | Bob | no yes yes yes yes yes | a note only                                     | 1000                     |
| S       | Bob | no yes yes no (then gone) | training Mar 5 (no outcome given)            | 1000 Jan-Apr, then none  |
| T       | Ann | no no no no no yes   | none (flag Jun 30: open at Jul 5)                 | 1000                     |
| U       | Cy  | yes throughout       | (at risk at the first month end: not counted)     | 1000                     |
| V       | Cy  | never; score 80 -> 55 from Mar 17 to Mar 31 (alert) | call Apr 10        | 1000                     |
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.model import load_model
from chs_core.outcomes.loop import first_touches, flag_events, held_activities, wilson
from chs_core.outcomes.loop_report import loop_report
from chs_core.settings import DEFAULT_MODEL
from tests.fixtures import six_accounts, write_csv_folder

MONTH_ENDS = [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31),
              date(2025, 6, 30)]
RISK = {"P": "010100", "Q": "011111", "R": "011111", "S": "0110", "T": "000001", "U": "111111", "V": "000000"}
CSM = {"P": "Ann", "Q": "Ann", "R": "Bob", "S": "Bob", "T": "Ann", "U": "Cy", "V": "Cy"}
AS_OF = date(2025, 7, 5)
MODEL = load_model(DEFAULT_MODEL)


def history() -> pd.DataFrame:
    rows = []
    for account, risk in RISK.items():
        for i, bit in enumerate(risk):
            at_risk = bit == "1"
            score = 40.0 if at_risk else (55.0 if account == "V" and i == 2 else 80.0)
            rows.append({"account_id": account, "as_of": MONTH_ENDS[i], "at_risk": at_risk, "health_score": score,
                         "tier": "At risk" if at_risk else ("Neutral" if score < 70 else "Healthy"), "arr": 1000.0,
                         "csm": CSM[account], "account_name": f"Account {account}", "segment": "SMB",
                         # Usage decline fires with the first at-risk month for P and Q; a missed renewal for R.
                         "flag_usage_decline": account in "PQ" and i == 1,
                         "flag_missed_renewal_meeting": account == "R" and i >= 1})
    return pd.DataFrame(rows)


def alert_scores() -> pd.DataFrame:
    """Scores 14 days before each month end; only V's before Mar 31 matters (80, then 55: a 25-point drop)."""
    return pd.DataFrame({"account_id": ["V"], "as_of": [date(2025, 3, 17)], "health_score": [80.0]})


def activities() -> pd.DataFrame:
    rows = [("P", "2025-02-28", "meeting", "held"), ("P", "2025-03-13", "call", "held"),
            ("Q", "2025-03-01", "email", "held"), ("Q", "2025-03-02", "meeting", "missed"),
            ("Q", "2025-03-15", "meeting", "held"), ("R", "2025-03-03", "note", "held"),
            ("S", "2025-03-05", "training", None), ("V", "2025-04-10", "call", "held")]
    return pd.DataFrame(rows, columns=["account_id", "activity_date", "activity_type", "outcome"])


def arr() -> pd.DataFrame:
    months = pd.date_range("2025-01-01", "2025-07-01", freq="MS")
    rows = []
    for account in RISK:
        for m in months:
            if account == "S" and m >= pd.Timestamp("2025-05-01"):
                continue  # churned: no rows from May
            rows.append((account, m.date(), 800.0 if account == "Q" and m >= pd.Timestamp("2025-05-01") else 1000.0))
    return pd.DataFrame(rows, columns=["account_id", "month", "arr"])


def report():
    return loop_report(history(), alert_scores(), activities(), arr(), MODEL, AS_OF, date(2025, 7, 1))


def test_flags_are_transitions_and_alerts_counted_once_per_episode():
    flags = flag_events(history(), MODEL.alert, alert_scores(), 3)
    got = {(r.account_id, r.flag_date, r.reason) for r in flags.itertuples()}
    assert got == {("P", date(2025, 2, 28), "went at risk"), ("Q", date(2025, 2, 28), "went at risk"),
                   ("R", date(2025, 2, 28), "went at risk"), ("S", date(2025, 2, 28), "went at risk"),
                   ("T", date(2025, 6, 30), "went at risk"), ("V", date(2025, 3, 31), "score-drop alert")}
    # P's return to at risk in April is two months after its February flag: the same episode. U was at risk at
    # the first month end, so when it went at risk is unknown.


def test_days_to_touch_and_status_by_hand():
    flags = report().flags.set_index("account_id")
    assert flags.loc["P", "days_to_touch"] == 13 and flags.loc["P", "status"] == "within"  # the flag-day meeting is not after
    assert flags.loc["Q", "days_to_touch"] == 15 and flags.loc["Q", "status"] == "later"  # email and missed meeting skipped
    assert pd.isna(flags.loc["R", "days_to_touch"]) and flags.loc["R", "status"] == "not touched"  # a note is no touch
    assert flags.loc["S", "days_to_touch"] == 5 and flags.loc["S", "touch_type"] == "training"  # no outcome = held
    assert flags.loc["V", "days_to_touch"] == 10
    assert flags.loc["T", "status"] == "open"  # 5 days old, untouched: in no share yet
    later = first_touches(flag_events(history(), MODEL.alert, alert_scores(), 3), held_activities(activities()),
                          date(2025, 7, 20))
    assert later.set_index("account_id").loc["T", "status"] == "not touched"  # 20 days on


def test_touch_shares_overall_per_csm_and_tier():
    r = report()
    overall = r.overall.iloc[0]
    # Decided: P, S, V in time; Q later; R not touched (T open).
    assert (overall["flags"], overall["touched_in_time"], overall["touched_later"], overall["not_touched"]) == (5, 3, 1, 1)
    assert overall["share_in_time"] == pytest.approx(0.6)
    assert overall["median_days_to_touch"] == pytest.approx(11.5)  # 5, 10, 13, 15
    by_csm = r.by_csm.set_index("csm")["share_in_time"].to_dict()
    assert by_csm == pytest.approx({"Ann": 0.5, "Bob": 0.5, "Cy": 1.0})
    by_tier = r.by_tier.set_index("tier")["flags"].to_dict()
    assert by_tier == {"At risk": 4, "Neutral": 1}  # V alerted at 55 (Neutral)


def test_intervention_outcome_with_wilson_interval():
    r = report()
    # The backtest's labels: every month of the 3 after the flag month. Feb flags over Mar-May, V's March flag
    # over Apr-Jun; T's June flag (Jul-Sep) is not judged. Saved: P yes; Q contracted (800 in May); R yes;
    # S churned (no rows from May); V yes.
    in_time, not_in_time = r.outcome("touched in time"), r.outcome("not touched in time")
    assert (in_time.flags, in_time.saved) == (3, 2)  # P, S, V
    assert (not_in_time.flags, not_in_time.saved) == (2, 1)  # Q, R
    assert (r.outcome("touched later").saved, r.outcome("not touched").saved) == (0, 1)
    # Wilson 95% for 2 of 3, by hand: centre (2/3 + z^2/6) / (1 + z^2/3) = 0.5731, half-width 0.3654.
    assert in_time.share_saved == pytest.approx(2 / 3)
    assert (in_time.ci_low, in_time.ci_high) == pytest.approx((0.2077, 0.9385), abs=1e-4)
    assert wilson(0, 0) == (None, None)
    assert wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)  # 10 of 10: the interval still has width


def test_plays_followed_match_the_flags_activity():
    plays = report().plays.set_index("flag")
    # Usage decline fired for P and Q (Feb 28): P had a call on day 13 (a match), Q only a meeting (no match).
    assert plays.loc["usage_decline", ["fired", "decided", "followed"]].tolist() == [2, 2, 1]
    assert plays.loc["usage_decline", "share_followed"] == pytest.approx(0.5)
    # R's missed renewal meeting was never followed by a held renewal meeting.
    assert plays.loc["missed_renewal_meeting", ["fired", "followed"]].tolist() == [1, 0]
    assert "champion_departure" not in plays.index  # no such column in this history: nothing to judge


def test_report_json_states_the_interval_and_the_caveat():
    d = json.loads(json.dumps(report().to_dict(), default=str))
    assert d["interval"] == "Wilson score interval, 95%"
    assert "association, not proof of cause" in d["caveat"]
    assert d["target"]["share_saved"] == 0.4 and d["flags"] == 6 and d["open_flags"] == 1


def test_cli_loop_prints_json_without_activities(tmp_path, capsys):
    folder = write_csv_folder(six_accounts(), tmp_path / "six")
    assert main(["loop", "--data", str(folder), "--as-of", "2026-03-31"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-03-31" and out["touch_within_days"] == 14
    touched = sum(row["touched_in_time"] + row["touched_later"] for row in out["response"])
    assert touched == 0  # no csm_activities table: nobody can have been touched
