"""Segment and lifecycle-stage overrides: parse them, and apply them (segment first, then stage)."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from chs_core.contract import SEGMENTS
from chs_core.model.context import Ctx, check_tiers, check_weights, parse_norm
from chs_core.model.schema import ComponentOverride, MetricOverride, Model, Override, Overrides, norm_to_yaml

OVERRIDE_METRIC_KEYS = ("weight", "direction", "bad", "good", "band", "bad_below", "bad_above")



def apply_override(model: Model, o: Override, ctx: Ctx, path: str) -> Model:
    """Return `model` with the partial values of `o` set; checks what the change could break."""
    comps = []
    for c in model.components:
        co = next((x for x in o.components if x.name == c.name), None)
        if co is None:
            comps.append(c)
            continue
        rules = []
        for m in c.metrics:
            mo = next((x for x in co.metrics if x.name == m.name), None)
            if mo is None:
                rules.append(m)
                continue
            settings = dict(mo.settings)
            # A new direction replaces the whole rule; otherwise thresholds are merged into the base ones.
            merged = settings if "direction" in settings else {**norm_to_yaml(m.norm), **settings}
            mpath = f"{path}.components.{c.name}.metrics.{m.name}"
            norm = parse_norm(ctx, {k: (list(v) if isinstance(v, tuple) else v) for k, v in merged.items()}, mpath)
            rules.append(replace(m, weight=m.weight if mo.weight is None else mo.weight, norm=norm))
        comps.append(replace(c, weight=c.weight if co.weight is None else co.weight, metrics=tuple(rules)))
    check_weights(ctx, comps, f"{path}.components")
    mins = dict(o.tiers)
    tiers = tuple(replace(t, min_score=mins.get(t.name, t.min_score)) for t in model.tiers)
    check_tiers(ctx, tiers, f"{path}.tiers")
    arb = model.at_risk_below if o.at_risk_below is None else o.at_risk_below
    return replace(model, components=tuple(comps), tiers=tiers, at_risk_below=arb)


@lru_cache(maxsize=512)
def effective_model(model: Model, segment: str | None, stage: str | None) -> Model:
    """`model` with its segment override then its stage override applied; the result has no overrides."""
    return _effective(model, segment, stage, Ctx("<model>"))


def _effective(model: Model, segment: str | None, stage: str | None, ctx: Ctx) -> Model:
    out = model
    for kind, name in (("segments", segment), ("lifecycle_stages", stage)):
        o = next((x for x in getattr(model.overrides, kind) if x.name == name), None)
        if o is not None:
            out = apply_override(out, o, ctx, f"overrides.{kind}.{name}")
    return replace(out, overrides=type(model.overrides)())


def check_override_combinations(ctx: Ctx, model: Model) -> None:
    """Every segment x stage combination must give a valid model (e.g. tiers still descending)."""
    segs = [None] + [o.name for o in model.overrides.segments]
    stages = [None] + [o.name for o in model.overrides.lifecycle_stages]
    for seg in segs:
        for st in stages:
            _effective(model, seg, st, ctx)


def parse_overrides(ctx: Ctx, obj: object, model: Model) -> Overrides:
    d = ctx.mapping(obj, "overrides")
    ctx.keys(d, "overrides", ("segments", "lifecycle_stages"))
    stages = tuple(s.name for s in model.lifecycle)
    out = {}
    for kind, valid in (("segments", SEGMENTS), ("lifecycle_stages", stages)):
        group = ctx.mapping(d.get(kind, {}), f"overrides.{kind}")
        items = []
        for name, oobj in group.items():
            path = f"overrides.{kind}.{name}"
            if name not in valid:
                raise ctx.fail(path, f"unknown {kind[:-1].replace('_', ' ')} '{name}'.", str(name), valid)
            items.append(parse_override(ctx, oobj, path, str(name), model))
        out[kind] = tuple(items)
    return Overrides(**out)


def parse_override(ctx: Ctx, obj: object, path: str, name: str, model: Model) -> Override:
    o = ctx.mapping(obj, path)
    ctx.keys(o, path, ("components", "tiers", "at_risk_below"))
    comps = []
    for cname, cobj in ctx.mapping(o.get("components", {}), f"{path}.components").items():
        cpath = f"{path}.components.{cname}"
        base = next((c for c in model.components if c.name == cname), None)
        if base is None:
            raise ctx.fail(cpath, f"unknown component '{cname}'.", str(cname), [c.name for c in model.components])
        c = ctx.mapping(cobj, cpath)
        ctx.keys(c, cpath, ("weight", "metrics"))
        weight = ctx.number(c["weight"], f"{cpath}.weight", 0) if "weight" in c else None
        mos = []
        for mname, mobj in ctx.mapping(c.get("metrics", {}), f"{cpath}.metrics").items():
            mpath = f"{cpath}.metrics.{mname}"
            if mname not in [m.name for m in base.metrics]:
                raise ctx.fail(mpath, f"metric '{mname}' is not in component '{cname}'.", str(mname),
                               [m.name for m in base.metrics])
            m = ctx.mapping(mobj, mpath)
            ctx.keys(m, mpath, OVERRIDE_METRIC_KEYS)
            mw = ctx.number(m["weight"], f"{mpath}.weight", 0) if "weight" in m else None
            settings = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in m.items() if k != "weight")
            mos.append(MetricOverride(str(mname), mw, settings))
        comps.append(ComponentOverride(str(cname), weight, tuple(mos)))
    tiers = []
    tier_names = list(model.tier_names())
    for tname, v in ctx.mapping(o.get("tiers", {}), f"{path}.tiers").items():
        if tname not in tier_names:
            raise ctx.fail(f"{path}.tiers.{tname}", f"unknown tier '{tname}'.", str(tname), tier_names)
        tiers.append((str(tname), ctx.number(v, f"{path}.tiers.{tname}", 0, 100)))
    arb = ctx.number(o["at_risk_below"], f"{path}.at_risk_below", 0, 100) if "at_risk_below" in o else None
    return Override(name, tuple(comps), tuple(tiers), arb)
