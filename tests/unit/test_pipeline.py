"""The pipeline end to end: point in time, as-of dates, history dates, multi-date scoring, segments."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from chs_core.demo.build import generate_demo
from chs_core.kpis.periods import arr_frame
from chs_core.model import load_model
from chs_core.pipeline import check_source, end_month_for, history_dates, metrics_with_accounts, score_dates
from chs_core.scoring.score import score_frame
from chs_core.sources import FramesSource, dataset_from_frames
from tests.fixtures import six_accounts, six_accounts_arr

T = date(2026, 7, 31)  # the demo below covers 2026-03 .. 2026-10
AFTER = pd.Timestamp(T) + pd.Timedelta(days=1)  # first instant after T
COMPARED = ["health_score", "tier", "flags", "coverage", "at_risk"]


@pytest.fixture(scope="module")
def model():
    return load_model("model.yaml")


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate_demo(n_accounts=100, n_months=8)


def _with_after_t_rows(frames: dict[str, pd.DataFrame], target: str) -> dict[str, pd.DataFrame]:
    """The demo plus rows after T for `target` in every dated table, each of which would hurt its score."""
    f = {k: v.copy() for k, v in frames.items()}
    d = lambda days: pd.Timestamp(T) + pd.Timedelta(days=days)  # noqa: E731
    add = lambda name, rows: pd.concat([f[name], pd.DataFrame(rows, columns=f[name].columns)],  # noqa: E731
                                       ignore_index=True)
    f["usage_events"] = add("usage_events", [(target, f"{target}-NEW{i}", d(1), "automation", 50) for i in range(30)])
    f["tickets"] = add("tickets", [("T-AFTER-1", target, d(1), d(2), "P0", True, 1.0),
                                   ("T-AFTER-2", target, d(2), pd.NaT, "P0", True, np.nan)])
    f["nps_responses"] = add("nps_responses", [(target, d(1), 0, "decision_maker")])
    f["csm_activities"] = add("csm_activities", [
        (target, d(2), "renewal_meeting", "missed", "they are switching to a competitor; budget cuts")])
    # due after T and unpaid; and one due before T but only paid after T (unpaid at T)
    f["invoices"] = add("invoices", [("INV-AFTER-1", target, d(5), pd.NaT, 999.0),
                                     ("INV-LATE-1", target, d(-40), d(3), 500.0)])
    f["arr_monthly"] = add("arr_monthly", [(target, pd.Timestamp("2026-11-01"), 1.0, 1)])
    champions = f["contacts"].index[(f["contacts"]["account_id"] == target) & f["contacts"]["is_champion"]]
    assert len(champions), "the target account needs a champion"
    f["contacts"].loc[champions, "left_date"] = d(3)  # the champion leaves after T
    return f


def _as_known_at_t(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What the data looked like at the end of day T: later rows dropped, later events undone."""
    f = {k: v.copy() for k, v in frames.items()}
    f["arr_monthly"] = f["arr_monthly"][f["arr_monthly"]["month"] < AFTER]
    f["usage_events"] = f["usage_events"][f["usage_events"]["event_date"] < AFTER]
    f["nps_responses"] = f["nps_responses"][f["nps_responses"]["responded_at"] < AFTER]
    f["csm_activities"] = f["csm_activities"][f["csm_activities"]["activity_date"] < AFTER]
    t = f["tickets"][f["tickets"]["opened_at"] < AFTER].copy()
    later = t["resolved_at"] >= AFTER  # still open at T: no resolution time, no CSAT yet
    t.loc[later, "resolved_at"] = pd.NaT
    t.loc[later, "csat"] = np.nan
    f["tickets"] = t
    inv = f["invoices"][f["invoices"]["due_date"] < AFTER].copy()
    inv.loc[inv["paid_date"] >= AFTER, "paid_date"] = pd.NaT
    f["invoices"] = inv
    c = f["contacts"].copy()
    c.loc[c["left_date"] >= AFTER, "left_date"] = pd.NaT
    f["contacts"] = c
    return f


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """tier and flags as plain text: their categories depend on which labels occur in the batch."""
    return frame.astype({"tier": str, "flags": str})


def _frame_at(frames, model, when: date) -> pd.DataFrame:
    out = score_dates(dataset_from_frames(frames), model, [when]).frame
    return _comparable(out.sort_values("account_id").set_index("account_id"))


def test_score_at_t_ignores_everything_after_t(demo, model):
    before = _frame_at(_as_known_at_t(demo), model, T)
    target = before.index[0]
    full = _with_after_t_rows(demo, target)
    truncated = _frame_at(_as_known_at_t(full), model, T)
    after = _frame_at(full, model, T)
    assert len(after) > 50 and list(after.index) == list(truncated.index)
    pd.testing.assert_frame_equal(after[COMPARED], truncated[COMPARED])
    # not vacuous: the same rows a few days later do change the target's score and fire its flags
    later = _frame_at(full, model, T + timedelta(days=5))
    assert later.loc[target, "health_score"] < after.loc[target, "health_score"]
    for label in ("Champion left", "Missed renewal meeting", "Competitor mentioned", "Support escalation"):
        assert label in later.loc[target, "flags"]
        assert label not in after.loc[target, "flags"]


def test_end_month_for():
    assert end_month_for(date(2026, 10, 31)) == date(2026, 10, 1)  # the last day closes October
    assert end_month_for(date(2026, 10, 15)) == date(2026, 9, 1)  # mid-October: September is the last full month
    assert end_month_for(date(2026, 12, 31)) == date(2026, 12, 1)
    assert end_month_for(date(2027, 1, 1)) == date(2026, 12, 1)  # across the year end
    assert end_month_for(date(2028, 2, 29)) == date(2028, 2, 1)  # leap day closes February


def test_history_dates():
    ds = arr_frame(six_accounts()["arr_monthly"])  # ARR from 2025-01: three warm-up months, history from April
    assert history_dates(ds, date(2025, 6, 30)) == [date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)]
    # a mid-month last date is kept as the last point
    assert history_dates(ds, date(2025, 6, 15)) == [date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 15)]
    # a data set shorter than the warm-up still gets its latest scores
    assert history_dates(ds, date(2025, 2, 28)) == [date(2025, 2, 28)]
    assert history_dates(arr_frame(six_accounts_arr().iloc[0:0]), date(2025, 6, 30)) == []


def _with_april(accounts: list[str]) -> dict[str, pd.DataFrame]:
    frames = six_accounts()
    april = pd.DataFrame({"account_id": accounts, "month": date(2026, 4, 1), "arr": 100.0})
    frames["arr_monthly"] = pd.concat([frames["arr_monthly"], april], ignore_index=True)
    return frames


def test_default_as_of_skips_a_partial_last_month():
    # Mar 2026 has 4 paying accounts (B, C, D, E; A pays 0, F has no row) against 5 in Feb (B-F):
    # 4 >= 0.8 * 5 = 4, so March is complete
    assert check_source(FramesSource(six_accounts())).default_as_of == date(2026, 3, 31)
    # April with only C reporting: 1 < 0.8 * 4 = 3.2, a partial month; March stays the default
    partial = check_source(FramesSource(_with_april(["C"])))
    assert partial.completeness.partial
    assert partial.default_as_of == date(2026, 3, 31)
    # April with all four March payers: complete, so it becomes the default
    assert check_source(FramesSource(_with_april(["B", "C", "D", "E"]))).default_as_of == date(2026, 4, 30)
    # No ARR at all: an error that says so, and no as-of date
    empty = check_source(FramesSource({"accounts": six_accounts()["accounts"],
                                       "arr_monthly": six_accounts_arr().iloc[0:0]}))
    assert not empty.usable and empty.default_as_of is None
    assert "no row with ARR above 0" in str(empty.errors[0])


def test_many_dates_equal_one_date_at_a_time(demo, model):
    ds = dataset_from_frames(demo)
    dates = [date(2026, 6, 30), date(2026, 7, 15), date(2026, 9, 30)]
    together = score_dates(ds, model, dates).frame
    columns = COMPARED + [c for c in together.columns if c.startswith("component_score_")]
    for when in dates:
        alone = _comparable(score_dates(ds, model, [when]).frame).sort_values("account_id").reset_index(drop=True)
        part = _comparable(together[pd.to_datetime(together["as_of"]).dt.date == when])
        part = part.sort_values("account_id").reset_index(drop=True)
        assert len(alone) > 50
        pd.testing.assert_frame_equal(part[["account_id"] + columns], alone[["account_id"] + columns])


def test_segment_reaches_the_scorer(demo, model):
    ds = dataset_from_frames(demo)
    metrics = metrics_with_accounts(ds, [T], model.signals)
    segments = demo["accounts"].set_index("account_id")["segment"]
    assert (metrics["segment"] == metrics["account_id"].map(segments)).all()
    scores = score_frame(metrics, model)
    frame, raw = scores.frame, scores.raw["active_user_ratio"]
    # Stage overrides come after segment ones and onboarding changes active_user_ratio too: skip it.
    settled = frame["lifecycle_stage"].isin(["adoption", "mature"]) & raw.notna()
    ent = settled & (frame["segment"] == "Enterprise")
    other = settled & frame["segment"].isin(["SMB", "Mid-Market"])
    assert ent.sum() >= 1 and other.sum() >= 1
    # Enterprise override: bad 0.05, good 0.5 -> (x - 0.05) / 0.45; the default: (x - 0.1) / 0.6
    expected_ent = ((raw[ent] - 0.05) / 0.45).clip(0, 1) * 100
    expected_other = ((raw[other] - 0.1) / 0.6).clip(0, 1) * 100
    np.testing.assert_allclose(frame.loc[ent, "metric_score_active_user_ratio"], expected_ent)
    np.testing.assert_allclose(frame.loc[other, "metric_score_active_user_ratio"], expected_other)
    # and score_dates (what the CLI and app call) scores the same Enterprise rows the same way
    piped = score_dates(ds, model, [T]).frame.set_index("account_id")
    ids = frame.loc[ent, "account_id"]
    np.testing.assert_allclose(piped.loc[ids, "metric_score_active_user_ratio"], expected_ent)


def test_account_attributes_join_as_a_left_merge_would():
    """with_accounts (the attribute columns looked up) gives pandas' left merge's frame in every case, including
    an account missing from the accounts table, a repeated account and a column both tables have."""
    from chs_core.pipeline import with_accounts

    metrics = pd.DataFrame({"account_id": pd.array(["b", "a", "c", "a"], dtype="str"), "score_input": [1.0, 2, 3, 4]},
                           index=[10, 11, 12, 13])
    accounts = pd.DataFrame({"account_id": pd.array(["a", "b", "c"], dtype="str"),
                             "segment": pd.array(["SMB", None, "Enterprise"], dtype="str"),
                             "renewal_date": pd.to_datetime(["2026-01-31", None, "2026-03-31"])})
    cases = {"all found": accounts, "one missing": accounts.iloc[:2], "repeated": pd.concat([accounts, accounts.iloc[:1]]),
             "shared column": accounts.assign(score_input=9.0)}
    for name, acc in cases.items():
        got = with_accounts(metrics, acc)
        pd.testing.assert_frame_equal(got, metrics.merge(acc, on="account_id", how="left"), obj=name)
    got = with_accounts(metrics, accounts)
    assert got["segment"].tolist()[1:3] == ["SMB", "Enterprise"] and pd.isna(got["segment"][0])
