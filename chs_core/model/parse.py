"""Parse and validate a model.yaml mapping into a `Model`; every error names file, key path and fix.

Validation stops at the first problem: one clear message beats a wall of follow-on errors.
"""
from __future__ import annotations

from dataclasses import replace

from chs_core.metrics.catalog import METRIC_NAMES, SIGNAL_NAMES, SignalSettings
from chs_core.model.context import NORM_KEYS, Ctx, _kind, check_tiers, check_weights, parse_norm
from chs_core.model.overrides import check_override_combinations, parse_overrides
from chs_core.model.schema import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_STAGES,
    DIRECTIONS,
    MISSING_RULES,
    OPS,
    SEVERITIES,
    Alert,
    Component,
    Condition,
    Flag,
    MetricRule,
    Model,
    Stage,
    Tier,
)
from chs_core.model.yaml_safe import SHOWN, shorten

TOP_KEYS = ("version", "name", "description", "components", "signals", "flags", "tiers", "at_risk_below",
            "alert", "missing_metrics", "min_coverage", "lifecycle", "overrides")


def parse_model(data: object, source: str = "model.yaml") -> Model:
    """Validate a mapping (as read from YAML) and build a `Model`; raises ModelError."""
    ctx = Ctx(source)
    d = ctx.mapping(data, "(top level)")
    ctx.keys(d, "", TOP_KEYS)
    if "components" not in d:
        raise ctx.fail("components", "missing required key 'components'.")
    comps = parse_components(ctx, d["components"])
    stages = parse_lifecycle(ctx, d.get("lifecycle", {}))
    signals = parse_signals(ctx, d.get("signals", {}))
    flags = parse_flags(ctx, d.get("flags", {}))
    if "tiers" not in d:
        raise ctx.fail("tiers", "missing required key 'tiers'.")
    model = Model(
        components=comps,
        tiers=parse_tiers(ctx, d["tiers"]),
        version=ctx.text(d.get("version", "1"), "version"),
        name=ctx.text(d.get("name", "Customer health score"), "name"),
        description=ctx.text(d.get("description", ""), "description"),
        signals=signals,
        flags=flags,
        at_risk_below=ctx.number(d.get("at_risk_below", 50), "at_risk_below", 0, 100),
        alert=parse_alert(ctx, d.get("alert", {})),
        missing_metrics=ctx.choice(d.get("missing_metrics", "reweight"), "missing_metrics", MISSING_RULES),
        min_coverage=ctx.number(d.get("min_coverage", DEFAULT_MIN_COVERAGE), "min_coverage", 0, 1),
        lifecycle=stages,
    )

    overrides = parse_overrides(ctx, d.get("overrides", {}), model)

    model = replace(model, overrides=overrides)
    check_override_combinations(ctx, model)
    return model


def parse_components(ctx: Ctx, obj: object) -> tuple[Component, ...]:
    d = ctx.mapping(obj, "components")
    comps, seen = [], {}
    for cname, cobj in d.items():
        path = f"components.{str(cname)[:SHOWN]}"
        c = ctx.mapping(cobj, path)
        ctx.keys(c, path, ("weight", "metrics", "description"), ("weight", "metrics"))
        weight = ctx.number(c["weight"], f"{path}.weight", 0)
        mdict = ctx.mapping(c["metrics"], f"{path}.metrics")
        rules = []
        for mname, mobj in mdict.items():
            mpath = f"{path}.metrics.{mname}"
            if mname not in METRIC_NAMES:
                raise ctx.fail(mpath, f"unknown metric {shorten(mname)}.", str(mname), METRIC_NAMES)
            if mname in seen:
                raise ctx.fail(mpath, f"metric '{mname}' is already used in component '{seen[mname]}'.")
            seen[mname] = cname
            rules.append(parse_metric(ctx, mobj, mpath, mname))
        comps.append(Component(str(cname), weight, tuple(rules)))
    check_weights(ctx, comps)
    return tuple(comps)


def parse_metric(ctx: Ctx, obj: object, path: str, name: str) -> MetricRule:
    m = ctx.mapping(obj, path)
    direction = ctx.choice(m.get("direction"), f"{path}.direction", DIRECTIONS) if "direction" in m else None
    if direction is None:
        raise ctx.fail(f"{path}.direction", "missing required key 'direction'.", valid=DIRECTIONS)
    ctx.keys(m, path, ("weight", "direction", "description") + NORM_KEYS[direction],
             ("weight",) + NORM_KEYS[direction])
    weight = ctx.number(m["weight"], f"{path}.weight", 0)
    return MetricRule(name, weight, parse_norm(ctx, m, path))


def parse_signals(ctx: Ctx, obj: object) -> SignalSettings:
    d = ctx.mapping(obj, "signals")
    keys = ("key_features", "competitor_keywords", "budget_keywords")
    ctx.keys(d, "signals", keys)
    return SignalSettings(**{k: ctx.texts(d[k], f"signals.{k}") for k in keys if k in d})


def parse_flags(ctx: Ctx, obj: object) -> tuple[Flag, ...]:
    d = ctx.mapping(obj, "flags")
    flags = []
    for name, fobj in d.items():
        path = f"flags.{str(name)[:SHOWN]}"
        f = ctx.mapping(fobj, path)
        ctx.keys(f, path, ("label", "severity", "signal", "op", "value", "any", "penalty", "cap", "action"),
                 ("label", "severity"))
        if "any" in f:
            if not isinstance(f["any"], list) or not f["any"]:
                raise ctx.fail(f"{path}.any", "expected a non-empty list of conditions (signal, op, value).")
            conds = tuple(parse_condition(ctx, c, f"{path}.any[{i}]") for i, c in enumerate(f["any"]))
        else:
            conds = (parse_condition(ctx, {k: f[k] for k in ("signal", "op", "value") if k in f}, path),)
        if "penalty" not in f and "cap" not in f:
            raise ctx.fail(path, "a flag needs an effect: 'penalty' (points subtracted) and/or 'cap' (max score).")
        flags.append(Flag(
            name=str(name), label=ctx.text(f["label"], f"{path}.label"),
            severity=ctx.choice(f["severity"], f"{path}.severity", SEVERITIES), conditions=conds,
            penalty=ctx.number(f.get("penalty", 0), f"{path}.penalty", 0, 100),
            cap=ctx.number(f["cap"], f"{path}.cap", 0, 100) if f.get("cap") is not None else None,
            action=ctx.text(f.get("action", ""), f"{path}.action"),
        ))
    return tuple(flags)


def parse_condition(ctx: Ctx, obj: object, path: str) -> Condition:
    c = ctx.mapping(obj, path)
    ctx.keys(c, path, ("signal", "op", "value"), ("signal", "op", "value"))
    if c["signal"] not in SIGNAL_NAMES:
        raise ctx.fail(f"{path}.signal", f"unknown signal {shorten(c['signal'])}.", str(c["signal"]), SIGNAL_NAMES)
    op = ctx.choice(c["op"], f"{path}.op", OPS)
    return Condition(c["signal"], op, ctx.number(c["value"], f"{path}.value"))


def parse_tiers(ctx: Ctx, obj: object) -> tuple[Tier, ...]:
    if not isinstance(obj, list) or not obj:
        raise ctx.fail("tiers", f"expected a non-empty list of tiers, got {_kind(obj)}.")
    tiers = []
    for i, tobj in enumerate(obj):
        path = f"tiers[{i}]"
        t = ctx.mapping(tobj, path)
        ctx.keys(t, path, ("name", "min_score", "color", "play", "actions"), ("name", "min_score", "color", "play"))
        tiers.append(Tier(ctx.text(t["name"], f"{path}.name"), ctx.number(t["min_score"], f"{path}.min_score", 0, 100),
                          ctx.text(t["color"], f"{path}.color"), ctx.text(t["play"], f"{path}.play"),
                          ctx.texts(t.get("actions", []), f"{path}.actions")))
    check_tiers(ctx, tiers, "tiers")
    return tuple(tiers)


def parse_alert(ctx: Ctx, obj: object) -> Alert:
    d = ctx.mapping(obj, "alert")
    ctx.keys(d, "alert", ("drop_points", "within_days"))
    return Alert(ctx.number(d.get("drop_points", 20), "alert.drop_points", 0, 100),
                 int(ctx.number(d.get("within_days", 14), "alert.within_days", 1)))


def parse_lifecycle(ctx: Ctx, obj: object) -> tuple[Stage, ...]:
    d = ctx.mapping(obj, "lifecycle")
    ctx.keys(d, "lifecycle", ("stages",))
    if "stages" not in d:
        return DEFAULT_STAGES
    if not isinstance(d["stages"], list) or not d["stages"]:
        raise ctx.fail("lifecycle.stages", "expected a non-empty list of {name, from_months}.")
    stages = []
    for i, sobj in enumerate(d["stages"]):
        path = f"lifecycle.stages[{i}]"
        s = ctx.mapping(sobj, path)
        ctx.keys(s, path, ("name", "from_months"), ("name", "from_months"))
        stages.append(Stage(ctx.text(s["name"], f"{path}.name"), ctx.number(s["from_months"], f"{path}.from_months", 0)))
    if stages[0].from_months != 0 or any(not a.from_months < b.from_months for a, b in zip(stages, stages[1:])):
        raise ctx.fail("lifecycle.stages", "from_months must start at 0 and strictly increase.")
    return tuple(stages)
