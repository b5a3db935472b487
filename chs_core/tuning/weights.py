"""Fitted per-metric weights written back into a model: component weights, metric weights, overrides.

The score is sum_c W_c * (sum_m w_m p_m / sum_m w_m) / sum_c W_c, which for W_c = sum_m w_m is simply
sum_m w_m p_m / sum_m w_m: a fitted non-negative weight per metric maps onto the model exactly as a
component weight (the sum of its metrics' weights, scaled to 100 over all components) and metric weights
inside it (scaled to 10 per component; one decimal, as the page's sliders step). Segment and
lifecycle-stage overrides of weights would undo the fit
for their accounts, so the draft drops those weight overrides and keeps their thresholds and tiers.
"""
from __future__ import annotations

from dataclasses import replace

from chs_core.model import Model, model_to_dict, parse_model
from chs_core.model.schema import Override, Overrides


def _round(x: float, digits: int) -> float:
    r = round(float(x), digits)
    return int(r) if float(r).is_integer() else r


def apply_metric_weights(model: Model, fitted: dict[str, float]) -> Model:
    """A new, validated model whose weights follow `fitted` (metric -> weight >= 0; absent = 0)."""
    total = sum(max(0.0, fitted.get(m, 0.0)) for m in model.metric_names())
    if total <= 0:
        raise ValueError("every fitted weight is zero: there is nothing to write into the model")
    comps = []
    for c in model.components:
        ws = [max(0.0, fitted.get(m.name, 0.0)) for m in c.metrics]
        inside = sum(ws)
        metrics = tuple(replace(m, weight=float(_round(10 * w / inside, 1) if inside > 0 else 0.0))
                        for m, w in zip(c.metrics, ws))
        comps.append(replace(c, weight=float(_round(100 * inside / total, 1)), metrics=metrics))
    draft = replace(model, components=tuple(comps), overrides=_without_weights(model.overrides))
    return parse_model(model_to_dict(draft), source="<suggested weights>")


def _strip(o: Override) -> Override:
    comps = tuple(replace(co, weight=None, metrics=tuple(replace(mo, weight=None) for mo in co.metrics
                                                         if mo.settings))
                  for co in o.components)
    comps = tuple(co for co in comps if co.metrics)
    return replace(o, components=comps)


def _without_weights(ov: Overrides) -> Overrides:
    return Overrides(tuple(_strip(o) for o in ov.segments), tuple(_strip(o) for o in ov.lifecycle_stages))


def weight_overrides(model: Model) -> list[str]:
    """Where the model's overrides change weights (what the draft drops), as 'segment SMB: usage' lines."""
    out = []
    for kind, group in (("segment", model.overrides.segments), ("stage", model.overrides.lifecycle_stages)):
        for o in group:
            for co in o.components:
                names = ([co.name] if co.weight is not None else []) + [
                    f"{co.name}.{mo.name}" for mo in co.metrics if mo.weight is not None]
                out += [f"{kind} {o.name}: {n}" for n in names]
    return out


def metric_shares(model: Model) -> dict[str, float]:
    """Each metric's share of the whole score (0-1) under the base model (no overrides, no missing data)."""
    total = sum(c.weight for c in model.components if sum(m.weight for m in c.metrics) > 0)
    out = {}
    for c in model.components:
        inside = sum(m.weight for m in c.metrics)
        for m in c.metrics:
            out[m.name] = c.weight / total * m.weight / inside if inside > 0 and total > 0 else 0.0
    return out


def accept_components(current: Model, suggested: Model, names: list[str]) -> Model:
    """`current` with the suggested weights of the named components only (accepting some, not all)."""
    chosen = {c.name: c for c in suggested.components if c.name in names}
    comps = tuple(replace(c, weight=chosen[c.name].weight, metrics=tuple(
        replace(m, weight=chosen[c.name].metric(m.name).weight) for m in c.metrics)) if c.name in chosen else c
        for c in current.components)
    return parse_model(model_to_dict(replace(current, components=comps)), source="<accepted weights>")
