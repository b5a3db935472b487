"""Edits to a model (the tuning studio's moves): each returns a new, re-validated Model, never an invalid one."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from chs_core.model.io import model_to_dict
from chs_core.model.parse import parse_model
from chs_core.model.schema import MetricRule, Model


def with_component_weight(model: Model, name: str, weight: float) -> Model:
    comps = tuple(replace(c, weight=float(weight)) if c.name == name else c for c in model.components)
    return _checked(model, replace(model, components=comps), name)


def with_weights(model: Model, components: Mapping[str, float] | None = None,
                 metrics: Mapping[tuple[str, str], float] | None = None) -> Model:
    """Many weight changes at once, validated once: {component: w} and {(component, metric): w}."""
    components, metrics = dict(components or {}), dict(metrics or {})
    known = {c.name for c in model.components}
    known_m = {(c.name, m.name) for c in model.components for m in c.metrics}
    for key in [k for k in components if k not in known] + [k for k in metrics if k not in known_m]:
        raise KeyError(f"unknown name {key!r}")
    comps = tuple(replace(c, weight=float(components.get(c.name, c.weight)), metrics=tuple(
        replace(m, weight=float(metrics.get((c.name, m.name), m.weight))) for m in c.metrics))
        for c in model.components)
    return _checked(model, replace(model, components=comps), None)


def with_metric_weight(model: Model, component: str, metric: str, weight: float) -> Model:
    return _with_metric(model, component, metric, lambda m: replace(m, weight=float(weight)))


def with_thresholds(model: Model, component: str, metric: str, **norm: float | str | None) -> Model:
    """Change normalisation fields (direction, bad, good, band_low, band_high, bad_below, bad_above)."""
    return _with_metric(model, component, metric, lambda m: replace(m, norm=replace(m.norm, **norm)))


def with_tier_min(model: Model, name: str, min_score: float) -> Model:
    tiers = tuple(replace(t, min_score=float(min_score)) if t.name == name else t for t in model.tiers)
    return _checked(model, replace(model, tiers=tiers), name)


def with_at_risk_below(model: Model, value: float) -> Model:
    return _checked(model, replace(model, at_risk_below=float(value)), "at_risk_below")


def with_flag(model: Model, name: str, **changes: object) -> Model:
    """Change a flag's penalty, cap, label, severity or action."""
    flags = tuple(replace(f, **changes) if f.name == name else f for f in model.flags)
    return _checked(model, replace(model, flags=flags), name)


def _with_metric(model: Model, component: str, metric: str, change: Callable[[MetricRule], MetricRule]) -> Model:
    comps = tuple(
        replace(c, metrics=tuple(change(m) if m.name == metric else m for m in c.metrics))
        if c.name == component else c
        for c in model.components
    )
    return _checked(model, replace(model, components=comps), f"{component}.{metric}")


def _checked(old: Model, new: Model, what: str | None) -> Model:
    """Re-validate an edited model, so the tuning page can never build an invalid one."""
    names = {c.name for c in old.components} | set(old.tier_names()) | {f.name for f in old.flags}
    names |= {f"{c.name}.{m.name}" for c in old.components for m in c.metrics} | {"at_risk_below"}
    if what is not None and what not in names:
        raise KeyError(f"unknown name {what!r}")
    if new == old:
        return old
    return parse_model(model_to_dict(new), source="<edited model>")
