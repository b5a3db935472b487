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
