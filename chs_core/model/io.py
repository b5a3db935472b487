"""model.yaml in and out: load, dict round-trip, YAML text (saving and versions: chs_core.model.store)."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import yaml

from chs_core.model.parse import parse_model
from chs_core.model.schema import Flag, Model, Override, norm_to_yaml
from chs_core.model.yaml_safe import read_model_text, safe_load_bounded


def load_model(path: str | os.PathLike) -> Model:
    """Read and validate a model.yaml file; raises ModelError naming the file and key."""
    path = Path(path)
    return load_model_text(read_model_text(path), str(path))


def load_model_text(text: str, source: str = "model.yaml") -> Model:
    """Parse model YAML text (e.g. pasted or uploaded) within the bounds of yaml_safe, then validate it."""
    return parse_model(safe_load_bounded(text, source), source=source)


def _num(x: float | None):
    """Write 35.0 as 35 so the saved file reads like a hand-written one."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _flag_to_dict(f: Flag) -> dict:
    d: dict = {"label": f.label, "severity": f.severity}
    conds = [{"signal": c.signal, "op": c.op, "value": _num(c.value)} for c in f.conditions]
    if len(conds) == 1:
        d.update(conds[0])
    else:
        d["any"] = conds
    d["penalty"] = _num(f.penalty)
    if f.cap is not None:
        d["cap"] = _num(f.cap)
    d["action"] = f.action
    return d


def _override_to_dict(o: Override) -> dict:
    d: dict = {}
    comps = {}
    for co in o.components:
        cd: dict = {} if co.weight is None else {"weight": _num(co.weight)}
        ms = {}
        for mo in co.metrics:
            md: dict = {} if mo.weight is None else {"weight": _num(mo.weight)}
            md.update({k: [_num(x) for x in v] if isinstance(v, tuple) else _num(v) for k, v in mo.settings})
            ms[mo.name] = md
        if ms:
            cd["metrics"] = ms
        comps[co.name] = cd
    if comps:
        d["components"] = comps
    if o.tiers:
        d["tiers"] = {n: _num(v) for n, v in o.tiers}
    if o.at_risk_below is not None:
        d["at_risk_below"] = _num(o.at_risk_below)
    return d


def model_to_dict(model: Model) -> dict:
    """Plain dict in model.yaml vocabulary; parse_model(model_to_dict(m)) == m."""
    comps = {}
    for c in model.components:
        comps[c.name] = {"weight": _num(c.weight), "metrics": {
            m.name: {"weight": _num(m.weight), **{k: ([_num(x) for x in v] if isinstance(v, list) else _num(v))
                                                  for k, v in norm_to_yaml(m.norm).items()}}
            for m in c.metrics}}
    s = model.signals
    return {
        "version": model.version, "name": model.name, "description": model.description,
        "components": comps,
        "signals": {"key_features": list(s.key_features), "competitor_keywords": list(s.competitor_keywords),
                    "budget_keywords": list(s.budget_keywords)},
        "flags": {f.name: _flag_to_dict(f) for f in model.flags},
        "tiers": [{"name": t.name, "min_score": _num(t.min_score), "color": t.color, "play": t.play,
                   "actions": list(t.actions)} for t in model.tiers],
        "at_risk_below": _num(model.at_risk_below),
        "alert": {"drop_points": _num(model.alert.drop_points), "within_days": model.alert.within_days},
        "missing_metrics": model.missing_metrics,
        "min_coverage": _num(model.min_coverage),
        "lifecycle": {"stages": [{"name": s.name, "from_months": _num(s.from_months)} for s in model.lifecycle]},
        "overrides": {"segments": {o.name: _override_to_dict(o) for o in model.overrides.segments},
                      "lifecycle_stages": {o.name: _override_to_dict(o) for o in model.overrides.lifecycle_stages}},
    }


def dump_model_yaml(model: Model) -> str:
    """YAML text of the model (comments of a hand-written file are not kept)."""
    head = f"# Customer health score model, saved {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n"
    return head + yaml.safe_dump(model_to_dict(model), sort_keys=False, allow_unicode=True, width=110)
