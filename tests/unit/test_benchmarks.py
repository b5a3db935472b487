"""Benchmark verdicts know the direction: above the band is good news except for the at-risk share."""
from __future__ import annotations

import math

import pytest

from chs_core.kpis.benchmarks import benchmark_verdict, quality_targets


@pytest.mark.parametrize("key, value, word, good", [
    ("grr", 0.97, "above", True),        # the bug: GRR 97% was shown as red "outside"
    ("grr", 0.90, "within", True),
    ("grr", 0.80, "below", False),
    ("logo_retention", 0.97, "above", True),
    ("nrr", 1.40, "above", True),
    ("nrr", 0.95, "below", False),
    ("expansion_rate", 0.35, "above", True),
    ("avg_health", 80, "above", True),   # was red "outside"
    ("avg_health", 60, "below", False),
    ("at_risk_share", 0.10, "within", True),
    ("at_risk_share", 0.20, "above", False),  # lower is better: above the band is bad
    ("grr", 0.85, "within", True),       # the ends of a band are inside it
    ("at_risk_share", 0.15, "within", True),
])
def test_verdict_direction(key, value, word, good):
    verdict = benchmark_verdict(key, value)
    assert (verdict.word, verdict.good) == (word, good)


def test_no_value_no_verdict():
    assert benchmark_verdict("grr", None) is None
    assert benchmark_verdict("grr", math.nan) is None


def test_quality_targets_are_data_with_direction(monkeypatch):
    targets = quality_targets()
    assert targets["recall"].met(0.71) and not targets["recall"].met(0.44)
    assert targets["false_alert_share"].met(0.10) and not targets["false_alert_share"].met(0.948)
    assert targets["recall"].met(None) is None
    assert (targets["recall"].text, targets["false_alert_share"].text) == ("> 70%", "< 20%")
    monkeypatch.setenv("CHS_TARGET_RECALL", "0.5")
    assert quality_targets()["recall"].met(0.6)


# ---------- periods: annual bands judged only where they apply ----------

def test_a_quarter_grr_is_annualised_by_compounding_before_the_verdict():
    from chs_core.kpis.benchmarks import judge
    # The case: quarter GRR 98.5% was shown red "outside" against the annual 85-95% band.
    # Four such quarters keep 0.985^4 = 0.94133 of ARR: within 85-95%, good.
    j = judge("grr", 0.985, "quarter")
    assert j.judged_value == pytest.approx(0.985 ** 4) == pytest.approx(0.941336, abs=1e-6)
    assert (j.verdict.word, j.verdict.good) == ("within", True)
    assert "annualised" in j.how and "^4" in j.how


def test_a_month_logo_retention_compounds_over_twelve_months():
    from chs_core.kpis.benchmarks import judge
    # 99% of logos kept in one month: 0.99^12 = 0.88638 a year, below 90-95%.
    j = judge("logo_retention", 0.99, "month")
    assert j.judged_value == pytest.approx(0.886385, abs=1e-6)
    assert (j.verdict.word, j.verdict.good) == ("below", False)
    assert "^12" in j.how


def test_expansion_rate_of_a_quarter_gets_no_verdict_and_says_why():
    from chs_core.kpis.benchmarks import judge
    # 6.6% of accounts grew in a quarter: no sound way to a yearly share, so no verdict at all.
    j = judge("expansion_rate", 0.066, "quarter")
    assert j.verdict is None and j.judged_value is None
    assert "no verdict" in j.how


def test_twelve_month_and_point_in_time_figures_are_judged_as_they_are():
    from chs_core.kpis.benchmarks import band_applies, judge
    assert judge("grr", 0.90, "ttm").judged_value == 0.90 and judge("grr", 0.90, "ttm").how == ""
    # Health is as of a date, not over a window: the band holds for any period.
    assert judge("avg_health", 80, "month").verdict.word == "above"
    assert judge("at_risk_share", 0.20, "quarter").verdict.good is False
    assert band_applies("grr", "ttm") and not band_applies("grr", "month") and band_applies("at_risk_share", "month")


def test_small_sample_threshold_comes_from_settings(monkeypatch):
    from chs_core.kpis.benchmarks import small_sample
    assert small_sample(12) and not small_sample(20) and not small_sample(0) and not small_sample(None)
    monkeypatch.setenv("CHS_SMALL_COHORT_ACCOUNTS", "5")
    assert not small_sample(12)
