"""The tuning page's controls as flat values, and the model they describe (both ways, validated once).

values_of(model) gives one value per control ("cw:usage" component weight, "mw:usage:nps" metric weight,
"th:usage:nps:bad" threshold, "on:/pen:/cap:<flag>", "tier:<name>", "at_risk_below", "overrides" as YAML);
model_from_values(published, values) builds the draft from them and validates it once (parse_model), so
the page never holds an invalid model. A flag switched off is left out of the draft; switched on again
it comes back as published, with the penalty and cap of the controls.
"""
from __future__ import annotations

import copy

import yaml

from chs_core.model import Model, model_to_dict, parse_model
from chs_core.model.yaml_safe import safe_load_bounded

NORM_FIELDS = {"higher_better": ("bad", "good"), "lower_better": ("bad", "good"),
               "band": ("band_low", "band_high", "bad_below", "bad_above")}


def values_of(model: Model) -> dict[str, object]:
    d = model_to_dict(model)
    v: dict[str, object] = {}
    for c in model.components:
        v[f"cw:{c.name}"] = float(c.weight)
        for m in c.metrics:
            v[f"mw:{c.name}:{m.name}"] = float(m.weight)
            for f in NORM_FIELDS[m.norm.direction]:
                v[f"th:{c.name}:{m.name}:{f}"] = float(getattr(m.norm, f))
    for f in model.flags:
        v[f"on:{f.name}"] = True
        v[f"pen:{f.name}"] = float(f.penalty)
        v[f"cap:{f.name}"] = None if f.cap is None else float(f.cap)
    for t in model.tiers[:-1]:  # the last tier starts at 0
        v[f"tier:{t.name}"] = float(t.min_score)
    v["at_risk_below"] = float(model.at_risk_below)
    v["overrides"] = yaml.safe_dump(d["overrides"], sort_keys=False, width=100)
    return v


def model_from_values(published: Model, values: dict[str, object], flags_from: Model | None = None) -> Model:
    """The draft the controls describe, on top of `published` (flag definitions from `flags_from` or it).

    Raises ModelError naming the key when the values do not make a valid model (e.g. tiers out of order).
    """
    d = copy.deepcopy(model_to_dict(published))
    for cname, comp in d["components"].items():
        comp["weight"] = values.get(f"cw:{cname}", comp["weight"])
        for mname, rule in comp["metrics"].items():
            rule["weight"] = values.get(f"mw:{cname}:{mname}", rule["weight"])
            for f in NORM_FIELDS[rule["direction"]]:
                key = f"th:{cname}:{mname}:{f}"
                if key in values:
                    if f in ("band_low", "band_high"):
                        rule["band"][0 if f == "band_low" else 1] = values[key]
                    else:
                        rule[f] = values[key]
    source = model_to_dict(flags_from or published)["flags"]
    flags = {}
    for name, flag in source.items():
        if not values.get(f"on:{name}", True):
            continue
        flag = dict(flag)
        flag["penalty"] = values.get(f"pen:{name}", flag["penalty"])
        cap = values.get(f"cap:{name}", flag.get("cap"))
        flag.pop("cap", None)
        if cap is not None:
            flag["cap"] = cap
        flags[name] = flag
    d["flags"] = flags
    for tier in d["tiers"]:
        tier["min_score"] = values.get(f"tier:{tier['name']}", tier["min_score"])
    d["at_risk_below"] = values.get("at_risk_below", d["at_risk_below"])
    if "overrides" in values:
        parsed = safe_load_bounded(str(values["overrides"]), "overrides") if str(values["overrides"]).strip() else {}
        d["overrides"] = parsed if parsed is not None else {}
    return parse_model(d, source="<draft>")
