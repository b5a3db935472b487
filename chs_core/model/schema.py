"""The health-score model as frozen, hashable dataclasses (a `Model` can be a Streamlit cache key).

Only tuples and frozen sub-objects are used as fields (never lists or dicts), so two
models with the same settings compare and hash equal. Parsing and validation live in
`chs_core.model.parse`; YAML in/out in `chs_core.model.io`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from chs_core.metrics.catalog import SignalSettings

DIRECTIONS = ("higher_better", "lower_better", "band")
OPS = ("<", "<=", ">", ">=", "==")
SEVERITIES = ("critical", "very_high", "high", "medium", "low")
MISSING_RULES = ("reweight",)
# Below this share of the model's weight with data, a score says more about the gaps than the account
# (e.g. tenure and ARR trend alone are ~8% of the default model), so it is not shown.
DEFAULT_MIN_COVERAGE = 0.3


@dataclass(frozen=True)
class Normalisation:
    """How a raw metric value maps to 0-100.

    higher_better / lower_better: linear from `bad` (0) to `good` (100), clamped.
    band: 100 inside [band_low, band_high], linear down to 0 at bad_below / bad_above.
    """

    direction: str
    bad: float | None = None
    good: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    bad_below: float | None = None
    bad_above: float | None = None


@dataclass(frozen=True)
class MetricRule:
    name: str
    weight: float
    norm: Normalisation


@dataclass(frozen=True)
class Component:
    name: str
    weight: float
    metrics: tuple[MetricRule, ...]

    def metric(self, name: str) -> MetricRule:
        return next(m for m in self.metrics if m.name == name)


@dataclass(frozen=True)
class Condition:
    signal: str
    op: str
    value: float


@dataclass(frozen=True)
class Flag:
    """A risk factor: fires when ANY of its conditions holds; then subtracts `penalty` and/or caps the score."""

    name: str
    label: str
    severity: str
    conditions: tuple[Condition, ...]
    penalty: float = 0.0
    cap: float | None = None
    action: str = ""


@dataclass(frozen=True)
class Tier:
    name: str
    min_score: float
    color: str
    play: str
    actions: tuple[str, ...] = ()


# Shown when an account has too little scored data (coverage below Model.min_coverage, or none at all):
# the honest answer is "we don't know".
NO_DATA_TIER = Tier("No data", -math.inf, "#9e9e9e", "check the data feeds for this account", ())


@dataclass(frozen=True)
class Alert:
    drop_points: float = 20.0
    within_days: int = 14


@dataclass(frozen=True)
class Stage:
    """A lifecycle stage; an account is in the last stage whose from_months <= its tenure."""

    name: str
    from_months: float


@dataclass(frozen=True)
class MetricOverride:
    name: str
    weight: float | None = None
    # (key, value) pairs in YAML vocabulary: direction, bad, good, band, bad_below, bad_above
    settings: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class ComponentOverride:
    name: str
    weight: float | None = None
    metrics: tuple[MetricOverride, ...] = ()


@dataclass(frozen=True)
class Override:
    """Partial changes for one segment or lifecycle stage; None / empty = keep the base value."""

    name: str
    components: tuple[ComponentOverride, ...] = ()
    tiers: tuple[tuple[str, float], ...] = ()  # (tier name, min_score)
    at_risk_below: float | None = None


@dataclass(frozen=True)
class Overrides:
    segments: tuple[Override, ...] = ()
    lifecycle_stages: tuple[Override, ...] = ()


DEFAULT_STAGES = (Stage("onboarding", 0.0), Stage("adoption", 3.0), Stage("mature", 12.0))


@dataclass(frozen=True)
class Model:
    components: tuple[Component, ...]
    tiers: tuple[Tier, ...]  # descending min_score, last one is 0
    version: str = "1"
    name: str = "Customer health score"
    description: str = ""
    signals: SignalSettings = field(default_factory=SignalSettings)
    flags: tuple[Flag, ...] = ()
    at_risk_below: float = 50.0
    alert: Alert = field(default_factory=Alert)
    missing_metrics: str = "reweight"
    min_coverage: float = DEFAULT_MIN_COVERAGE  # coverage below it: no score, tier "No data"
    lifecycle: tuple[Stage, ...] = DEFAULT_STAGES
    overrides: Overrides = field(default_factory=Overrides)

    # --- lookups -------------------------------------------------------------------
    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def metric_names(self) -> tuple[str, ...]:
        return tuple(m.name for c in self.components for m in c.metrics)

    def tier_names(self) -> tuple[str, ...]:
        """Tier names, best first (the order every table and chart uses)."""
        return tuple(t.name for t in self.tiers)


def norm_to_yaml(n: Normalisation) -> dict:
    """Normalisation in model.yaml vocabulary (band as a two-item list)."""
    if n.direction == "band":
        return {"direction": "band", "band": [n.band_low, n.band_high], "bad_below": n.bad_below, "bad_above": n.bad_above}
    return {"direction": n.direction, "bad": n.bad, "good": n.good}
