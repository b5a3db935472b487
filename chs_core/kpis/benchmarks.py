"""Benchmark bands for the executive KPIs and the model-quality targets, with a verdict that knows the direction.

Bands come from the practitioner literature (domain.md): GRR 85-95%, NRR 100-130%, logo retention 90-95%,
expansion rate 15-30%, average health 65-75, at-risk share of ARR below 15%. Above the band is good for every
KPI but the at-risk share, where lower is better; a verdict never calls a better-than-typical value bad.
"""
from __future__ import annotations

from dataclasses import dataclass

from chs_core.settings import setting


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    higher_is_better: bool = True


@dataclass(frozen=True)
class Verdict:
    word: str  # "below", "within" or "above" the band
    good: bool  # whether that is good news for this KPI


BENCHMARKS: dict[str, Band] = {
    "grr": Band(0.85, 0.95), "nrr": Band(1.00, 1.30), "logo_retention": Band(0.90, 0.95),
    "expansion_rate": Band(0.15, 0.30), "avg_health": Band(65, 75),
    "at_risk_share": Band(None, 0.15, higher_is_better=False),
}


def benchmark_verdict(key: str, value: float | None) -> Verdict | None:
    """Where `value` falls against the KPI's band, and whether that is good; None for no value."""
    if value is None or value != value:
        return None
    band = BENCHMARKS[key]
    if band.low is not None and value < band.low:
        return Verdict("below", not band.higher_is_better)
    if band.high is not None and value > band.high:
        return Verdict("above", band.higher_is_better)
    return Verdict("within", True)


@dataclass(frozen=True)
class Target:
    """A model-quality target: the figure should be above (or below) `value`."""

    name: str
    value: float
    above: bool
    meaning: str

    def met(self, figure: float | None) -> bool | None:
        if figure is None or figure != figure:
            return None
        return figure > self.value if self.above else figure < self.value

    @property
    def text(self) -> str:
        return f"{'>' if self.above else '<'} {self.value * 100:.0f}%"


def quality_targets() -> dict[str, Target]:
    """The practitioners' targets for a health score (domain.md, 'Is the score any good?'), from settings."""
    return {
        "recall": Target("recall", setting("target_recall"), True, "churners flagged at risk beforehand"),
        "false_alert_share": Target("false_alert_share", setting("target_false_alert_share"), False,
                                    "at-risk alerts on accounts that did not churn (1 - precision)"),
        "intervention_success": Target("intervention_success", setting("target_intervention_success"), True,
                                       "flagged accounts touched in time that had not churned or contracted at the "
                                       "horizon (saved / intervened)"),
    }
