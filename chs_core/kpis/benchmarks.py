"""Benchmark bands for the executive KPIs and the model-quality targets, with a verdict that knows the direction.

Bands come from the practitioner literature (domain.md): GRR 85-95%, NRR 100-130%, logo retention 90-95%,
expansion rate 15-30%, average health 65-75, at-risk share of ARR below 15%. Above the band is good for every
KPI but the at-risk share, where lower is better; a verdict never calls a better-than-typical value bad.

The retention bands are annual. A quarter or month figure is judged only after annualising it, and only where
that is sound: a retention rate compounds (a quarter that keeps 98% of ARR keeps 0.98^4 = 92.2% over four such
quarters), so GRR, NRR and logo retention are raised to the power of periods per year. The expansion rate is a
share of accounts that grew at least once; four quarters' shares cannot be combined into a year's (the same
account may expand every quarter), so a shorter period gets no verdict. Health figures are as of a date, not
over a window, so their bands hold for any period.
"""
from __future__ import annotations

from dataclasses import dataclass

from chs_core.settings import setting

PERIODS_PER_YEAR = {"ttm": 1, "quarter": 4, "month": 12}
PERIOD_WORDS = {"ttm": "12-month", "quarter": "quarter", "month": "month"}


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    higher_is_better: bool = True
    per_period: str = "annual"  # "annual" (compounds over a year), "annual_only" (cannot be annualised), "any"


@dataclass(frozen=True)
class Verdict:
    word: str  # "below", "within" or "above" the band
    good: bool  # whether that is good news for this KPI


BENCHMARKS: dict[str, Band] = {
    "grr": Band(0.85, 0.95), "nrr": Band(1.00, 1.30), "logo_retention": Band(0.90, 0.95),
    "expansion_rate": Band(0.15, 0.30, per_period="annual_only"), "avg_health": Band(65, 75, per_period="any"),
    "at_risk_share": Band(None, 0.15, higher_is_better=False, per_period="any"),
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
class Judgement:
    """A KPI of one period against its benchmark band: the value judged (annualised when needed) and how."""

    key: str
    band: Band
    judged_value: float | None  # the figure compared with the band (None: no verdict applies)
    verdict: Verdict | None
    how: str  # plain words: how the value was made comparable, or why there is no verdict ("" for a 12-month figure)


def annualised(value: float | None, kind: str) -> float | None:
    """A retention rate over one period of `kind` compounded to a year: rate ** periods per year."""
    if value is None or value != value:
        return None
    return value ** PERIODS_PER_YEAR[kind]


def judge(key: str, value: float | None, kind: str = "ttm") -> Judgement:
    """Judge a KPI of a period of `kind` (ttm, quarter, month) against its band; never a verdict that does not apply."""
    band = BENCHMARKS[key]
    if kind not in PERIODS_PER_YEAR:
        raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(PERIODS_PER_YEAR)}")
    if band.per_period == "any" or kind == "ttm":
        return Judgement(key, band, value, benchmark_verdict(key, value), "")
    if band.per_period == "annual_only":
        return Judgement(key, band, None, None,
                         f"the benchmark is for 12 months and a {PERIOD_WORDS[kind]}'s share of accounts that grew "
                         "cannot be turned into a year's, so no verdict")
    yearly = annualised(value, kind)
    power = PERIODS_PER_YEAR[kind]
    how = f"annualised as ({PERIOD_WORDS[kind]} rate)^{power}, assuming every {PERIOD_WORDS[kind]} like this one"
    return Judgement(key, band, yearly, benchmark_verdict(key, yearly), how)


def band_applies(key: str, kind: str) -> bool:
    """Whether the band can be drawn next to raw figures of a period of `kind` (only for 12 months or point-in-time)."""
    return kind == "ttm" or BENCHMARKS[key].per_period == "any"


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


def small_sample(accounts: int | None) -> bool:
    """A KPI over fewer starting accounts than the small_cohort_accounts setting is a small sample."""
    return accounts is not None and 0 < accounts < setting("small_cohort_accounts")
