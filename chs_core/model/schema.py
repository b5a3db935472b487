"""The health-score model as frozen, hashable dataclasses (a `Model` can be a Streamlit cache key).

Only tuples and frozen sub-objects are used as fields (never lists or dicts), so two
models with the same settings compare and hash equal. Parsing and validation live in
`chs_core.model.parse`; YAML in/out in `chs_core.model.io`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

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

    def tier_for(self, score: float) -> Tier:
        """The tier whose band holds `score`; NO_DATA_TIER for NaN."""
        if score is None or math.isnan(score):
            return NO_DATA_TIER
        for tier in self.tiers:
            if score >= tier.min_score:
                return tier
        return self.tiers[-1]

    def stage_for(self, tenure_months: float | None) -> str | None:
        """Lifecycle stage name for a tenure; None when the tenure is unknown."""
        if tenure_months is None or math.isnan(tenure_months):
            return None
        stage = self.lifecycle[0].name
        for s in self.lifecycle:
            if tenure_months >= s.from_months:
                stage = s.name
        return stage

    def effective(self, segment: str | None = None, stage: str | None = None) -> Model:
        """The model with the segment override, then the stage override, applied (no overrides left)."""
        from chs_core.model.overrides import effective_model

        return effective_model(self, segment, stage)

    # --- tuning helpers: each returns a new validated Model --------------------------
    def with_component_weight(self, name: str, weight: float) -> Model:
        comps = tuple(replace(c, weight=float(weight)) if c.name == name else c for c in self.components)
        return _checked(self, replace(self, components=comps), name)

    def with_weights(self, components: Mapping[str, float] | None = None,
                     metrics: Mapping[tuple[str, str], float] | None = None) -> Model:
        """Many weight changes at once, validated once: {component: w} and {(component, metric): w}."""
        components, metrics = dict(components or {}), dict(metrics or {})
        known = {c.name for c in self.components}
        known_m = {(c.name, m.name) for c in self.components for m in c.metrics}
        for key in [k for k in components if k not in known] + [k for k in metrics if k not in known_m]:
            raise KeyError(f"unknown name {key!r}")
        comps = tuple(replace(c, weight=float(components.get(c.name, c.weight)), metrics=tuple(
            replace(m, weight=float(metrics.get((c.name, m.name), m.weight))) for m in c.metrics))
            for c in self.components)
        return _checked(self, replace(self, components=comps), None)

    def with_metric_weight(self, component: str, metric: str, weight: float) -> Model:
        return self._with_metric(component, metric, lambda m: replace(m, weight=float(weight)))

    def with_thresholds(self, component: str, metric: str, **norm: float | str | None) -> Model:
        """Change normalisation fields (direction, bad, good, band_low, band_high, bad_below, bad_above)."""
        return self._with_metric(component, metric, lambda m: replace(m, norm=replace(m.norm, **norm)))

    def with_tier_min(self, name: str, min_score: float) -> Model:
        tiers = tuple(replace(t, min_score=float(min_score)) if t.name == name else t for t in self.tiers)
        return _checked(self, replace(self, tiers=tiers), name)

    def with_at_risk_below(self, value: float) -> Model:
        return _checked(self, replace(self, at_risk_below=float(value)), "at_risk_below")

    def with_flag(self, name: str, **changes: object) -> Model:
        """Change a flag's penalty, cap, label, severity or action."""
        flags = tuple(replace(f, **changes) if f.name == name else f for f in self.flags)
        return _checked(self, replace(self, flags=flags), name)

    def _with_metric(self, component: str, metric: str, change) -> Model:
        comps = tuple(
            replace(c, metrics=tuple(change(m) if m.name == metric else m for m in c.metrics))
            if c.name == component else c
            for c in self.components
        )
        return _checked(self, replace(self, components=comps), f"{component}.{metric}")


def _checked(old: Model, new: Model, what: str | None) -> Model:
    """Re-validate an edited model, so the tuning page can never build an invalid one."""
    from chs_core.model.io import model_to_dict
    from chs_core.model.parse import parse_model

    names = {c.name for c in old.components} | {t.name for t in old.tiers} | {f.name for f in old.flags}
    names |= {f"{c.name}.{m.name}" for c in old.components for m in c.metrics} | {"at_risk_below"}
    if what is not None and what not in names:
        raise KeyError(f"unknown name {what!r}")
    if new == old:
        return old
    return parse_model(model_to_dict(new), source="<edited model>")
