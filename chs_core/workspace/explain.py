"""Why one account scores what it does on a date: a waterfall that adds up to the score, and each metric's rule.

Pure: it takes the account's metric rows (as `pipeline.metrics_with_accounts` returns them) and the
model, and scores them itself, so the explanation can never disagree with the score.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.model.overrides import effective_model
from chs_core.model.schema import NO_DATA_TIER, Model
from chs_core.scoring.explain import contributions
from chs_core.scoring.score import UNKNOWN_STAGE, Scores, score_frame
from chs_core.workspace.words import SEVERITY_ORDER, metric_label, rule_text, value_text

MISSING_TEXT = "no data, re-weighted"


@dataclass(frozen=True)
class Explanation:
    """One account's score on one date, taken apart.

    waterfall: kind (metric | flag | cap), component, name, label, points; the points add up to `score`
        (metrics with no data, which carry 0 points, are left out).
    metrics: one row per metric of the effective model: component, name, label, raw_value, value, rule,
        metric_score (0-100), weight_in_component (share, nominal), component_weight (share, nominal),
        weight_share (share of the score it carried after re-weighting), points, status.
    components: component, weight (nominal share), weight_share (after re-weighting), score, points.
    flags: the fired flags: name, label, severity, penalty, cap, action (most severe first).
    """

    account_id: str
    as_of: date
    score: float  # NaN when the account has too little data to be scored
    tier: str
    coverage: float
    base_score: float
    segment: str | None
    lifecycle_stage: str
    overrides: tuple[str, ...]  # the segment / stage overrides that apply, e.g. ("segment Enterprise",)
    at_risk_below: float
    play: str
    waterfall: pd.DataFrame
    metrics: pd.DataFrame
    components: pd.DataFrame
    flags: pd.DataFrame

    @property
    def scored(self) -> bool:
        return not np.isnan(self.score)

    def to_dict(self) -> dict:
        def records(frame: pd.DataFrame) -> list[dict]:
            return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")

        return {"account_id": self.account_id, "as_of": str(self.as_of),
                "score": None if not self.scored else round(self.score, 4), "tier": self.tier,
                "coverage": round(self.coverage, 4), "base_score": _maybe(self.base_score),
                "segment": self.segment, "lifecycle_stage": self.lifecycle_stage, "overrides": list(self.overrides),
                "at_risk_below": self.at_risk_below, "play": self.play, "waterfall": records(self.waterfall),
                "components": records(self.components), "metrics": records(self.metrics),
                "flags": records(self.flags)}


def _maybe(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 4)


def rows_on(metrics: pd.DataFrame, account_id: str, as_of: date) -> pd.DataFrame:
    """The account's metric row on `as_of` (empty when it was not a customer then)."""
    days = pd.to_datetime(metrics["as_of"]).dt.date
    return metrics[(metrics["account_id"].astype(str) == str(account_id)) & (days == as_of)].head(1)


def stage_of(stage: str) -> str | None:
    return None if stage == UNKNOWN_STAGE else stage


def applied_overrides(model: Model, segment: str | None, stage: str | None) -> tuple[str, ...]:
    """Which overrides of `model` apply to this segment and stage, in the order they are applied."""
    out = []
    if any(o.name == segment for o in model.overrides.segments):
        out.append(f"segment {segment}")
    if any(o.name == stage for o in model.overrides.lifecycle_stages):
        out.append(f"stage {stage}")
    return tuple(out)


def explain_scores(scores: Scores, model: Model) -> Explanation:
    """The explanation of the single row in `scores` (scored with `model`, overrides included)."""
    f = scores.frame.iloc[0]
    segment = None if pd.isna(f.get("segment")) else str(f["segment"])
    stage = str(f["lifecycle_stage"])
    em = effective_model(model, segment, stage_of(stage))
    long = contributions(scores, np.array([0]))
    metrics = _metric_table(scores, em, long)
    tier = str(f["tier"])
    play = next((t.play for t in em.tiers if t.name == tier), NO_DATA_TIER.play)
    return Explanation(
        account_id=str(f["account_id"]), as_of=pd.Timestamp(f["as_of"]).date(), score=float(f["health_score"]),
        tier=tier, coverage=float(f["coverage"]), base_score=float(f["base_score"]), segment=segment,
        lifecycle_stage=stage, overrides=applied_overrides(model, segment, stage_of(stage)),
        at_risk_below=em.at_risk_below, play=play, waterfall=_waterfall(long),
        metrics=metrics, components=_component_table(metrics), flags=_fired_flags(scores, model))


def explain(metrics: pd.DataFrame, model: Model, account_id: str, as_of: date) -> Explanation | None:
    """Why `account_id` scores what it does on `as_of`; None when it was not a customer on that date."""
    row = rows_on(metrics, account_id, as_of)
    if row.empty:
        return None
    return explain_scores(score_frame(row.reset_index(drop=True), model), model)


def _waterfall(long: pd.DataFrame) -> pd.DataFrame:
    keep = (long["kind"] != "metric") | (long["weight_share"] > 0)
    out = long.loc[keep, ["kind", "component", "name", "label", "points"]].copy()
    is_metric = out["kind"] == "metric"
    out.loc[is_metric, "label"] = out.loc[is_metric, "name"].map(metric_label)
    return out.reset_index(drop=True)


def _metric_table(scores: Scores, em: Model, long: pd.DataFrame) -> pd.DataFrame:
    points = long[long["kind"] == "metric"].set_index("name")
    total = sum(c.weight for c in em.components)
    rows = []
    for c in em.components:
        in_component = sum(m.weight for m in c.metrics)
        for m in c.metrics:
            raw = float(scores.raw[m.name].iloc[0])
            share = points.at[m.name, "weight_share"]
            missing = np.isnan(raw)
            rows.append({
                "component": c.name, "name": m.name, "label": metric_label(m.name), "raw_value": raw,
                "value": value_text(m.name, raw), "rule": rule_text(m.name, m.norm),
                "metric_score": points.at[m.name, "metric_score"],
                "weight_in_component": m.weight / in_component if in_component else 0.0,
                "component_weight": c.weight / total if total else 0.0,
                "weight_share": share, "points": points.at[m.name, "points"],
                "status": MISSING_TEXT if missing else ("weight 0: not counted" if share == 0 else ""),
            })
    return pd.DataFrame(rows)


def _component_table(metrics: pd.DataFrame) -> pd.DataFrame:
    g = metrics.groupby("component", sort=False)
    out = pd.DataFrame({"weight": g["component_weight"].first(), "weight_share": g["weight_share"].sum(),
                        "points": g["points"].sum()})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["score"] = np.where(out["weight_share"] > 0, out["points"] / out["weight_share"], np.nan)
    return out.rename_axis("component").reset_index()


def _fired_flags(scores: Scores, model: Model) -> pd.DataFrame:
    f = scores.frame.iloc[0]
    rows = [{"name": fl.name, "label": fl.label, "severity": fl.severity, "penalty": fl.penalty, "cap": fl.cap,
             "action": fl.action} for fl in model.flags if bool(f[f"flag_{fl.name}"])]
    out = pd.DataFrame(rows, columns=["name", "label", "severity", "penalty", "cap", "action"])
    rank = out["severity"].map({s: i for i, s in enumerate(SEVERITY_ORDER)})
    return out.assign(_rank=rank).sort_values(["_rank", "penalty"], ascending=[True, False]).drop(
        columns="_rank").reset_index(drop=True)
