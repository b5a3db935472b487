"""ARR bridge, GRR / NRR / logo retention / expansion rate, worked by hand."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from chs_core.kpis.periods import resolve_period
from chs_core.kpis.retention import arr_movements, bridge_amounts, retention_kpis, retention_trend
from chs_core.sources import dataset_from_frames

Q1 = resolve_period("quarter", date(2026, 3, 1))  # start 2025-12-01, end 2026-03-01


def _arr(rows: list[tuple[str, str, float]]):
    return dataset_from_frames({"arr_monthly": pd.DataFrame(rows, columns=["account_id", "month", "arr"])})


# start 2025-12, end 2026-03
BRIDGE = _arr([
    ("A", "2025-12-01", 1000), ("A", "2026-03-01", 0),       # churned to 0 ARR
    ("B", "2025-12-01", 2000), ("B", "2026-03-01", 1500),    # contracted by 500
    ("C", "2025-12-01", 1000), ("C", "2026-03-01", 1600),    # expanded by 600
    ("D", "2025-12-01", 500), ("D", "2026-03-01", 500),      # flat
    ("E", "2026-03-01", 300),                                # new logo
    ("F", "2025-10-01", 400), ("F", "2025-12-01", 0), ("F", "2026-03-01", 700),  # reactivated
    ("G", "2025-12-01", 800), ("G", "2026-02-01", 800),      # no row in 2026-03: churned
])


def test_movements_per_account():
    m = arr_movements(BRIDGE, Q1.start, Q1.end).set_index("account_id")
    assert list(m.index) == list("ABCDEFG")
    assert m["movement"].to_dict() == {"A": "churn", "B": "contraction", "C": "expansion", "D": "flat",
                                       "E": "new", "F": "new", "G": "churn"}
    assert m["change"].to_dict() == {"A": -1000, "B": -500, "C": 600, "D": 0, "E": 300, "F": 700, "G": -800}
    assert m.loc["G", "end_arr"] == 0
    # Only F paid before the period start; E is a genuinely new logo.
    assert m["reactivated"].to_dict() == {"A": False, "B": False, "C": False, "D": False,
                                          "E": False, "F": True, "G": False}


def test_bridge_bars_and_total():
    k = retention_kpis(BRIDGE, Q1)
    assert k.start_arr == 5300         # 1000 + 2000 + 1000 + 500 + 800 (F is 0 at start)
    assert k.churn == 1800             # A 1000 + G 800
    assert k.contraction == 500        # B 2000 -> 1500
    assert k.expansion == 600          # C 1000 -> 1600
    assert k.new == 1000               # E 300 + F 700
    assert k.end_arr == 4600           # 1500 + 1600 + 500 + 300 + 700
    assert k.start_arr - k.churn - k.contraction + k.expansion + k.new == k.end_arr  # 5300-1800-500+600+1000
    assert (k.cohort_accounts, k.retained_accounts, k.expanded_accounts) == (5, 3, 1)  # cohort A B C D G
    assert (k.churned_accounts, k.contracted_accounts, k.new_accounts) == (2, 1, 2)
    assert k.grr == pytest.approx(3000 / 5300)        # min(s,e): 0 + 1500 + 1000 + 500 + 0
    assert k.nrr == pytest.approx(3600 / 5300)        # e over cohort: 0 + 1500 + 1600 + 500 + 0; new excluded
    assert k.logo_retention == pytest.approx(3 / 5)   # B, C, D kept
    assert k.expansion_rate == pytest.approx(1 / 5)   # only C
    steps = bridge_amounts(k)
    signed = [amount * (step.sign or 1) for step, amount, _ in steps]
    assert signed == [5300, -1800, -500, 600, 1000, 4600]
    assert sum(signed[:5]) == signed[5]
    assert [n for _, _, n in steps] == [k.cohort_accounts, k.churned_accounts, k.contracted_accounts,
                                        k.expanded_accounts, k.new_accounts, None]


def test_grr_is_capped_per_account():
    k = retention_kpis(_arr([("X", "2025-12-01", 100), ("X", "2026-03-01", 50),
                             ("Y", "2025-12-01", 100), ("Y", "2026-03-01", 1000)]), Q1)
    assert k.grr == pytest.approx(0.75)   # (50 + min(100, 1000)) / 200; Y's growth does not offset X
    assert k.nrr == pytest.approx(5.25)   # (50 + 1000) / 200


def test_grr_never_above_one_when_everyone_expands():
    k = retention_kpis(_arr([("X", "2025-12-01", 100), ("X", "2026-03-01", 200),
                             ("Y", "2025-12-01", 100), ("Y", "2026-03-01", 300)]), Q1)
    assert k.grr == 1.0                       # (100 + 100) / 200
    assert k.nrr == pytest.approx(2.5)        # (200 + 300) / 200
    assert k.expansion_rate == 1.0 and k.logo_retention == 1.0


def test_nrr_excludes_new_customers():
    k = retention_kpis(_arr([("X", "2025-12-01", 100), ("X", "2026-03-01", 100), ("Z", "2026-03-01", 10_000)]), Q1)
    assert k.nrr == 1.0 and k.grr == 1.0      # cohort is X alone: 100 / 100
    assert k.new == 10_000 and k.end_arr == 10_100


def test_empty_cohort_gives_none():
    k = retention_kpis(_arr([("Z", "2026-03-01", 500)]), Q1)
    assert k.cohort_accounts == 0 and k.start_arr == 0 and k.new == 500
    assert k.grr is None and k.nrr is None and k.logo_retention is None and k.expansion_rate is None
    # A period with no data at all.
    none = retention_kpis(_arr([("Z", "2024-01-01", 500)]), Q1)
    assert none.grr is None and none.end_arr == 0


def test_account_ids_filter():
    k = retention_kpis(BRIDGE, Q1, account_ids=["B", "C", "E"])
    assert (k.start_arr, k.end_arr) == (3000, 3400)  # B 2000 + C 1000 -> 1500 + 1600 + E 300
    assert k.grr == pytest.approx(2500 / 3000)       # 1500 + 1000
    assert k.nrr == pytest.approx(3100 / 3000)       # 1500 + 1600
    assert k.new == 300 and k.cohort_accounts == 2
    assert set(arr_movements(BRIDGE, Q1.start, Q1.end, account_ids=["B"])["account_id"]) == {"B"}


def test_to_dict_is_json_friendly():
    d = retention_kpis(BRIDGE, Q1).to_dict()
    assert d["period"] == {"kind": "quarter", "start": "2025-12-01", "end": "2026-03-01", "label": "Q1 2026"}
    assert json.loads(json.dumps(d))["churn"] == 1800


def test_start_after_end_is_refused():
    with pytest.raises(ValueError):
        arr_movements(BRIDGE, date(2026, 3, 1), date(2025, 12, 1))


# P pays 100 every month 2025-01..2026-03; Q pays 100 in 2025-01..2025-06 then stops (gone from 2025-07).
TREND = _arr([("P", f"{y}-{m:02d}-01", 100) for y, m in
              [(2025, m) for m in range(1, 13)] + [(2026, m) for m in range(1, 4)]]
             + [("Q", f"2025-{m:02d}-01", 100) for m in range(1, 7)])


def test_monthly_trend():
    t = retention_trend(TREND, "month").set_index("end")
    # 15 data months; the first has no month before it: 14 periods, Feb 2025 .. Mar 2026.
    assert len(t) == 14 and t.index[0] == date(2025, 2, 1)
    assert t.loc[date(2025, 7, 1), "logo_retention"] == 0.5   # Jun cohort P, Q; Q gone in Jul
    assert t.loc[date(2025, 7, 1), "grr"] == 0.5              # 100 kept of 200
    assert t.loc[date(2025, 8, 1), "logo_retention"] == 1.0   # Jul cohort is P alone
    assert t.loc[date(2025, 8, 1), "label"] == "Aug 2025"


def test_quarterly_trend_uses_quarter_ends_only():
    t = retention_trend(TREND, "quarter")
    # Mar 2025 would start in Dec 2024, before the data: quarter ends Jun, Sep, Dec 2025 and Mar 2026.
    assert t["label"].tolist() == ["Q2 2025", "Q3 2025", "Q4 2025", "Q1 2026"]
    assert t["grr"].tolist() == [1.0, 0.5, 1.0, 1.0]  # Q3: Jun cohort P, Q -> only P in Sep


def test_ttm_trend_needs_twelve_months_of_history():
    t = retention_trend(TREND, "ttm")
    # Starts must be >= Jan 2025: ends Jan, Feb, Mar 2026; each cohort is P and Q, Q has gone.
    assert t["end"].tolist() == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert t["logo_retention"].tolist() == [0.5, 0.5, 0.5]
    assert t["nrr"].tolist() == [0.5, 0.5, 0.5]  # 100 / 200
    chosen = retention_trend(TREND, "ttm", months=[date(2026, 2, 14), date(2025, 6, 1)])
    assert chosen["end"].tolist() == [date(2026, 2, 1)]  # Jun 2025 would start before the data


def test_trend_leaves_out_months_after_through():
    # A part-loaded Mar 2026 would read as mass churn: through=Feb 2026 ends the trend there.
    t = retention_trend(TREND, "month", through=date(2026, 2, 1))
    assert t["end"].max() == date(2026, 2, 1) and len(t) == 13


def test_trend_marks_periods_whose_cohort_is_a_small_sample(monkeypatch):
    # TREND's cohorts hold 2 accounts (P, Q) or 1 (P): below the default 20, every period is small.
    t = retention_trend(TREND, "month")
    assert t["small_cohort"].all()
    assert t.set_index("end").loc[date(2025, 8, 1), "cohort_accounts"] == 1
    monkeypatch.setenv("CHS_SMALL_COHORT_ACCOUNTS", "2")
    t = retention_trend(TREND, "month").set_index("end")
    # Threshold 2: the Jun 2025 -> Jul 2025 cohort (P and Q) is not small, the later ones (P alone) are.
    assert not t.loc[date(2025, 7, 1), "small_cohort"] and t.loc[date(2025, 8, 1), "small_cohort"]


def test_a_new_account_that_paid_before_the_start_is_returning():
    """By hand: R paid in January, nothing at the start (March), pays at the end (June): new and returning.
    N first pays in June: new, not returning. K paid before and at the start: not new, so never returning."""
    arr = pd.DataFrame({
        "account_id": ["R", "R", "N", "K", "K", "K"],
        "month": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-06-01", "2024-01-01", "2024-03-01", "2024-06-01"]),
        "arr": [100.0, 120.0, 50.0, 80.0, 80.0, 90.0],
    })
    moved = arr_movements(arr, date(2024, 3, 1), date(2024, 6, 1)).set_index("account_id")
    assert moved["movement"].to_dict() == {"K": "expansion", "N": "new", "R": "new"}
    assert moved["reactivated"].to_dict() == {"K": False, "N": False, "R": True}
