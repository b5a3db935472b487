"""Parse and validate a model.yaml mapping into a `Model`; every error names file, key path and fix.

Validation stops at the first problem: one clear message beats a wall of follow-on errors.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from chs_core.errors import ModelError
from chs_core.metrics.catalog import METRIC_NAMES, SIGNAL_NAMES, SignalSettings
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
    Normalisation,
    Stage,
    Tier,
)

TOP_KEYS = ("version", "name", "description", "components", "signals", "flags", "tiers", "at_risk_below",
            "alert", "missing_metrics", "min_coverage", "lifecycle", "overrides")
NORM_KEYS = {"higher_better": ("bad", "good"), "lower_better": ("bad", "good"),
             "band": ("band", "bad_below", "bad_above")}


@dataclass(frozen=True)
class Ctx:
    """Where we are: the source file name, used in every message."""

    source: str

    def fail(self, path: str, problem: str, wrong: str | None = None, valid: Iterable[str] = ()) -> ModelError:
        valid = [str(v) for v in valid]
        close = difflib.get_close_matches(wrong, valid, n=1, cutoff=0.5) if wrong is not None else []
        msg = f"{self.source}: {path}: {problem}"
        if close:
            msg += f" Did you mean '{close[0]}'?"
        elif valid:
            msg += f" Valid: {', '.join(valid)}."
        err = ModelError(msg)
        err.key, err.suggestion = path, (close[0] if close else None)
        return err

    def mapping(self, obj: object, path: str) -> dict:
        if not isinstance(obj, dict):
            raise self.fail(path, f"expected a mapping (key: value lines), got {_kind(obj)}.")
        return obj

    def keys(self, obj: dict, path: str, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = tuple(allowed)
        for k in obj:
            if k not in allowed:
                raise self.fail(_join(path, k), f"unknown key '{k}'.", str(k), allowed)
        for k in required:
            if k not in obj:
                raise self.fail(_join(path, k), f"missing required key '{k}'.")

    def number(self, obj: object, path: str, lo: float | None = None, hi: float | None = None) -> float:
        if isinstance(obj, bool) or not isinstance(obj, (int, float)):
            raise self.fail(path, f"expected a number, got {_kind(obj)}.")
        v = float(obj)
        if v != v or (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"between {lo:g} and {hi:g}" if hi is not None else f">= {lo:g}"
            raise self.fail(path, f"must be {rng}, got {obj}.")
        return v

    def text(self, obj: object, path: str) -> str:
        if isinstance(obj, (int, float)) and not isinstance(obj, bool) and path.endswith("version"):
            return str(obj)
        if not isinstance(obj, str):
            raise self.fail(path, f"expected text, got {_kind(obj)}.")
        return obj

    def texts(self, obj: object, path: str) -> tuple[str, ...]:
        if not isinstance(obj, list):
            raise self.fail(path, f"expected a list, got {_kind(obj)}.")
        return tuple(self.text(x, f"{path}[{i}]") for i, x in enumerate(obj))

    def choice(self, obj: object, path: str, valid: Iterable[str]) -> str:
        valid = tuple(valid)
        if obj not in valid:
            raise self.fail(path, f"'{obj}' is not allowed.", str(obj), valid)
        return obj


def _kind(obj: object) -> str:
    return "nothing" if obj is None else type(obj).__name__


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


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
    from chs_core.model.overrides import check_override_combinations, parse_overrides

    overrides = parse_overrides(ctx, d.get("overrides", {}), model)

    model = replace(model, overrides=overrides)
    check_override_combinations(ctx, model)
    return model


def parse_components(ctx: Ctx, obj: object) -> tuple[Component, ...]:
    d = ctx.mapping(obj, "components")
    comps, seen = [], {}
    for cname, cobj in d.items():
        path = f"components.{cname}"
        c = ctx.mapping(cobj, path)
        ctx.keys(c, path, ("weight", "metrics", "description"), ("weight", "metrics"))
        weight = ctx.number(c["weight"], f"{path}.weight", 0)
        mdict = ctx.mapping(c["metrics"], f"{path}.metrics")
        rules = []
        for mname, mobj in mdict.items():
            mpath = f"{path}.metrics.{mname}"
            if mname not in METRIC_NAMES:
                raise ctx.fail(mpath, f"unknown metric '{mname}'.", str(mname), METRIC_NAMES)
            if mname in seen:
                raise ctx.fail(mpath, f"metric '{mname}' is already used in component '{seen[mname]}'.")
            seen[mname] = cname
            rules.append(parse_metric(ctx, mobj, mpath, mname))
        comps.append(Component(str(cname), weight, tuple(rules)))
    check_weights(ctx, comps)
    return tuple(comps)


def check_weights(ctx: Ctx, comps: Iterable[Component], path: str = "components") -> None:
    """At least one metric with weight > 0 inside a component with weight > 0, or nothing can be scored."""
    if not any(c.weight > 0 and any(m.weight > 0 for m in c.metrics) for c in comps):
        raise ctx.fail(path, "all weights are zero: give at least one component and one of its metrics a weight > 0.")


def parse_metric(ctx: Ctx, obj: object, path: str, name: str) -> MetricRule:
    m = ctx.mapping(obj, path)
    direction = ctx.choice(m.get("direction"), f"{path}.direction", DIRECTIONS) if "direction" in m else None
    if direction is None:
        raise ctx.fail(f"{path}.direction", "missing required key 'direction'.", valid=DIRECTIONS)
    ctx.keys(m, path, ("weight", "direction", "description") + NORM_KEYS[direction],
             ("weight",) + NORM_KEYS[direction])
    weight = ctx.number(m["weight"], f"{path}.weight", 0)
    return MetricRule(name, weight, parse_norm(ctx, m, path))


def parse_norm(ctx: Ctx, m: dict, path: str) -> Normalisation:
    """Build and check a Normalisation from YAML keys (direction, bad, good | band, bad_below, bad_above)."""
    direction = ctx.choice(m.get("direction"), f"{path}.direction", DIRECTIONS)
    for k in NORM_KEYS[direction]:
        if k not in m:
            raise ctx.fail(f"{path}.{k}", f"missing required key '{k}' for direction {direction}.")
    if direction != "band":
        bad, good = ctx.number(m["bad"], f"{path}.bad"), ctx.number(m["good"], f"{path}.good")
        if direction == "higher_better" and not bad < good:
            raise ctx.fail(f"{path}.bad", f"for higher_better, bad ({bad:g}) must be below good ({good:g}).")
        if direction == "lower_better" and not bad > good:
            raise ctx.fail(f"{path}.bad", f"for lower_better, bad ({bad:g}) must be above good ({good:g}).")
        return Normalisation(direction, bad=bad, good=good)
    band = m["band"]
    if not isinstance(band, (list, tuple)) or len(band) != 2:
        raise ctx.fail(f"{path}.band", "expected a list of two numbers: [low_good, high_good].")
    lo, hi = (ctx.number(v, f"{path}.band[{i}]") for i, v in enumerate(band))
    below, above = ctx.number(m["bad_below"], f"{path}.bad_below"), ctx.number(m["bad_above"], f"{path}.bad_above")
    if not below < lo <= hi < above:
        raise ctx.fail(f"{path}.band", f"band out of order: need bad_below < band[0] <= band[1] < bad_above, "
                                       f"got {below:g} < {lo:g} <= {hi:g} < {above:g}.")
    return Normalisation("band", band_low=lo, band_high=hi, bad_below=below, bad_above=above)


def parse_signals(ctx: Ctx, obj: object) -> SignalSettings:
    d = ctx.mapping(obj, "signals")
    keys = ("key_features", "competitor_keywords", "budget_keywords")
    ctx.keys(d, "signals", keys)
    return SignalSettings(**{k: ctx.texts(d[k], f"signals.{k}") for k in keys if k in d})


def parse_flags(ctx: Ctx, obj: object) -> tuple[Flag, ...]:
    d = ctx.mapping(obj, "flags")
    flags = []
    for name, fobj in d.items():
        path = f"flags.{name}"
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
        raise ctx.fail(f"{path}.signal", f"unknown signal '{c['signal']}'.", str(c["signal"]), SIGNAL_NAMES)
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


def check_tiers(ctx: Ctx, tiers: list[Tier] | tuple[Tier, ...], path: str) -> None:
    names = [t.name for t in tiers]
    if len(set(names)) != len(names):
        raise ctx.fail(path, f"tier names must be unique, got {names}.")
    for a, b in zip(tiers, tiers[1:]):
        if not a.min_score > b.min_score:
            raise ctx.fail(path, f"tiers must be listed with strictly descending min_score (no overlap): "
                                 f"'{a.name}' {a.min_score:g} then '{b.name}' {b.min_score:g}.")
    if tiers[-1].min_score != 0:
        raise ctx.fail(path, f"the last tier ('{tiers[-1].name}') must have min_score 0 so every score has a tier.")


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
