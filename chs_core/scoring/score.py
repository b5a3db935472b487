"""Score accounts with a model: metrics frame x Model -> health score, tier, flags, coverage.

Vectorised: rows are grouped by (segment, lifecycle stage), the effective model of each
group is applied with numpy over the whole group, never row by row.

Missing-metric rule (`missing_metrics: reweight`):
    A missing metric (NaN) is dropped and the other metrics of its component are re-weighted
    to fill its share. A component with no data at all is dropped and the other components
    are re-weighted. `coverage` (0-1) reports the share of the model's total metric weight
    that had data. With coverage below the model's `min_coverage` (default 0.3; coverage exactly at
    it is scored) the score rests on too little data to act on: health_score is NaN, the tier is
    "No data", at_risk and capped are False, and explain() gives NaN points. base_score, coverage,
    penalty_points and the component, metric and flag columns stay filled, so what data there was
    can still be shown. Coverage 0 is always "No data" (there is nothing to score).
    A missing flag signal never fires its flag.

Score:
    base = sum over components of component weight share x component score
    health_score = min(clamp(base - sum of penalties of fired flags, 0, 100), lowest cap of fired flags)
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from chs_core.model.overrides import effective_model
from chs_core.model.schema import NO_DATA_TIER, Flag, Model
from chs_core.scoring.explain import contributions
from chs_core.scoring.normalise import normalise

UNKNOWN_STAGE = "unknown"  # tenure missing: no stage override applies
_OUTPUTS = {"lifecycle_stage", "health_score", "tier", "at_risk", "coverage", "base_score", "penalty_points",
            "capped", "flags"}
_OUTPUT_PREFIXES = ("metric_score_", "component_score_", "flag_")
# Coverage is a sum of float shares: an account exactly at min_coverage must not fall below it by rounding.
_COVERAGE_TOLERANCE = 1e-9
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True, eq=False)
class Scores:
    """Scoring result.

    frame: account_id, as_of, segment (+ other non-metric input columns), lifecycle_stage,
        health_score, tier, at_risk, coverage, base_score, penalty_points, capped, flags,
        component_score_<name>, metric_score_<metric>, flag_<name>.
        Read the labels column as frame["flags"]: frame.flags is pandas' own attribute.
    raw / weight_shares: per metric (same row order as frame) the input value and the share of
        the score the metric carried after re-weighting (NaN when missing); they feed `explain`.
    """

    frame: pd.DataFrame
    model: Model
    raw: pd.DataFrame
    weight_shares: pd.DataFrame

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """Every account's contributions (built on first use; see scoring_explain.contributions)."""
        return contributions(self, np.arange(len(self.frame)))


def float_values(column: pd.Series) -> np.ndarray:
    """A column's values as floats, NaN where missing or not a number; a float column as it is (a read-only view,
    no copy of 1.8M rows)."""
    if column.dtype == np.float64:
        return column.to_numpy()
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _floats(df: pd.DataFrame, name: str) -> np.ndarray:
    return float_values(df[name]) if name in df.columns else np.full(len(df), np.nan)


def _stage_codes(tenure: np.ndarray, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Stage code per row (last stage with from_months <= tenure; missing tenure: the last code) and the names."""
    starts = np.array([s.from_months for s in model.lifecycle])
    names = np.array([s.name for s in model.lifecycle] + [UNKNOWN_STAGE], dtype=object)
    k = np.searchsorted(starts, tenure, side="right") - 1
    return np.where(np.isnan(tenure), len(starts), np.maximum(k, 0)), names


def lifecycle_stages(tenure: np.ndarray, model: Model) -> np.ndarray:
    """Stage name per row from tenure months (last stage with from_months <= tenure)."""
    codes, names = _stage_codes(tenure, model)
    return names[codes]


def _row_groups(group: np.ndarray) -> list[tuple[slice | np.ndarray, int]]:
    """Rows of each group code, with a row of it: a slice when the group's rows are contiguous (no copy when
    read or written; the tuning history is sorted so that they are), else their positions."""
    n = len(group)
    if n == 0:
        return []
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    if len(set(group[starts].tolist())) == len(starts):
        ends = np.r_[starts[1:], n]
        return [(slice(int(a), int(b)), int(a)) for a, b in zip(starts, ends)]
    out = []
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        out.append((rows, int(rows[0])))
    return out


def flag_hits(raw: dict[str, np.ndarray], flag: Flag, n: int) -> np.ndarray:
    """Bool per row: any condition holds (NaN compares False, so missing never fires)."""
    hit = np.zeros(n, dtype=bool)
    for c in flag.conditions:
        values = raw.get(c.signal)
        if values is not None:
            with np.errstate(invalid="ignore"):
                hit |= _OPS[c.op](values, c.value)
    return hit


def _flag_effects(raw: dict[str, np.ndarray], model: Model, n: int):
    """Per flag a bool array of where it fired; total penalty and lowest cap (inf: none) per row."""
    fired = {f.name: flag_hits(raw, f, n) for f in model.flags}
    penalty, cap = np.zeros(n), np.full(n, np.inf)
    for f in model.flags:
        penalty += np.where(fired[f.name], f.penalty, 0.0)
        if f.cap is not None:
            cap = np.where(fired[f.name], np.minimum(cap, f.cap), cap)
    return fired, penalty, cap


@dataclass(frozen=True, eq=False)
class ScoreArrays:
    """Everything scoring computes, as numpy arrays in row order (score_frame wraps them in a frame)."""

    stage: np.ndarray
    score: np.ndarray  # NaN = no score
    at_risk: np.ndarray
    tier_min: dict[str, np.ndarray]  # per tier, its minimum for each row (overrides may differ per segment)
    coverage: np.ndarray
    base: np.ndarray
    penalty: np.ndarray
    capped: np.ndarray
    fired: dict[str, np.ndarray]
    mscore: dict[str, np.ndarray]
    share: dict[str, np.ndarray]
    comp: dict[str, np.ndarray]


def score_arrays(raw: dict[str, np.ndarray], seg: np.ndarray, model: Model, detail: bool = True,
                 seg_codes: tuple[np.ndarray, np.ndarray] | None = None) -> ScoreArrays:
    """Score rows given as arrays: raw[name] per metric, flag signal and tenure_months (absent = missing), seg
    per row (object, None = no segment). The tuning page calls this directly on its cached arrays.

    detail=False leaves mscore, share and comp empty (only `explain` needs them; rescoring is faster without).
    seg_codes: pd.factorize(seg) when the caller keeps it (the tuning history does), to skip hashing strings.
    """
    n = len(seg)
    missing = np.full(n, np.nan)
    metric_names = model.metric_names()
    raw = {k: raw.get(k, missing) for k in {*metric_names, "tenure_months", *(
        c.signal for f in model.flags for c in f.conditions)}}
    st_codes, st_names = _stage_codes(raw["tenure_months"], model)
    codes, seg_uniques = seg_codes if seg_codes is not None else pd.factorize(seg, use_na_sentinel=True)
    group = (codes + 1) * len(st_names) + st_codes

    keep = metric_names if detail else ()
    mscore = {m: np.full(n, np.nan) for m in keep}
    share = {m: np.full(n, np.nan) for m in keep}
    comp = {c.name: np.full(n, np.nan) for c in model.components} if detail else {}
    base, coverage, at_risk_below = np.full(n, np.nan), np.zeros(n), np.full(n, np.nan)
    tier_min = {t.name: np.zeros(n) for t in model.tiers}

    for rows, i in _row_groups(group):
        s_name = seg_uniques[codes[i]] if codes[i] >= 0 else None
        st_name = st_names[st_codes[i]]
        em = effective_model(model, s_name, None if st_name == UNKNOWN_STAGE else st_name)
        _score_group(em, rows, raw, mscore, share, comp, base, coverage)
        at_risk_below[rows] = em.at_risk_below
        for t in em.tiers:
            tier_min[t.name][rows] = t.min_score

    fired, penalty, cap = _flag_effects(raw, model, n)
    after_penalty = np.clip(base - penalty, 0.0, 100.0)
    score = np.minimum(after_penalty, cap)
    # Too little data: a number from a sliver of the model would look as trustworthy as a full score.
    score[coverage < model.min_coverage - _COVERAGE_TOLERANCE] = np.nan
    with np.errstate(invalid="ignore"):
        at_risk = score < at_risk_below
    capped = (cap < after_penalty) & ~np.isnan(score)  # no score, nothing was capped
    return ScoreArrays(st_names[st_codes], score, at_risk, tier_min, coverage, base, penalty, capped, fired, mscore, share, comp)


def score_frame(metrics: pd.DataFrame, model: Model, detail: bool = True) -> Scores:
    """Score every row of `metrics` with `model` (its segment and lifecycle-stage overrides applied).

    In: account_id, as_of, segment (optional: no segment override without it), tenure_months (optional:
    stage "unknown" without it), metric and flag-signal columns named as in metric_catalog (NaN =
    missing; absent columns count as missing). Other columns (arr, csm, ...) are passed through.
    Out: `Scores`; see its docstring for the frame's columns. detail=False leaves out the metric and component
    points, the raw values and the weight shares (only `explain` reads them; the backtest judges without them).
    """
    n = len(metrics)
    signals = {c.signal for f in model.flags for c in f.conditions}
    raw = {name: _floats(metrics, name) for name in set(model.metric_names()) | signals | {"tenure_months"}}
    seg = metrics["segment"].to_numpy(dtype=object) if "segment" in metrics.columns else np.full(n, None, object)
    a = score_arrays(raw, seg, model, detail)
    # .array keeps the input dtype (e.g. Arrow strings) without a slow conversion to objects.
    kept = pd.DataFrame({c: metrics[c].array for c in metrics.columns if c not in raw and c not in signals
                         and c not in _OUTPUTS and not c.startswith(_OUTPUT_PREFIXES)}, index=pd.RangeIndex(n))
    out = {"lifecycle_stage": pd.Categorical(a.stage), "health_score": a.score,
           "tier": assign_tiers(a.score, model, a.tier_min), "at_risk": a.at_risk, "coverage": a.coverage,
           "base_score": a.base, "penalty_points": a.penalty, "capped": a.capped,
           "flags": _flag_labels(model, a.fired, n)}
    out.update({f"component_score_{k}": v for k, v in a.comp.items()})
    out.update({f"metric_score_{k}": v for k, v in a.mscore.items()})
    out.update({f"flag_{k}": v for k, v in a.fired.items()})
    made = pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)  # arrays made here: copying them into one block
    return Scores(frame=pd.concat([kept, made], axis=1), model=model,  # took 2 s for a 1.8M-row history
                  raw=pd.DataFrame({m: raw[m] for m in model.metric_names()}) if detail else pd.DataFrame(),
                  weight_shares=pd.DataFrame(a.share))


def _score_group(em: Model, rows, raw, mscore, share, comp, base, coverage) -> None:
    """Fill base score and coverage (and, when the dicts have room, metric scores, shares and component scores)
    for one group's rows (a slice or positions)."""
    k = len(base[rows])
    detail = bool(comp)
    # Nominal shares (all data present) give coverage; actual shares re-weight over what is present.
    nominal_total = sum(c.weight for c in em.components if sum(m.weight for m in c.metrics) > 0)
    base_num, base_den, cov = np.zeros(k), np.zeros(k), np.zeros(k)
    per_comp = []
    for c in em.components:
        c_metric_total = sum(m.weight for m in c.metrics)
        num, den, scores = np.zeros(k), np.zeros(k), []
        for m in c.metrics:
            s = normalise(raw[m.name][rows], m.norm)
            has = ~np.isnan(s)
            num += np.where(has, m.weight * s, 0.0)
            den += has * m.weight
            if c_metric_total > 0 and nominal_total > 0:
                cov += has * ((c.weight / nominal_total) * (m.weight / c_metric_total))
            if detail:
                mscore[m.name][rows] = s
                scores.append((m, has))
        with np.errstate(invalid="ignore", divide="ignore"):
            cs = num / den  # 0/0 -> NaN: a component with no data is dropped
        if detail:
            comp[c.name][rows] = cs
        has_c = den > 0
        base_num += np.where(has_c, c.weight * cs, 0.0)
        base_den += has_c * c.weight
        per_comp.append((c, den, scores))
    with np.errstate(invalid="ignore", divide="ignore"):
        base[rows] = base_num / base_den
        for c, den, scores in per_comp:
            factor = c.weight / (base_den * den)  # inf / NaN only where the metric is missing anyway
            for m, has in scores:
                share[m.name][rows] = np.where(has & (base_den > 0), m.weight * factor, np.nan)
    # A weight-0 component can carry data yet count for nothing: coverage is about weighted data.
    coverage[rows] = np.minimum(cov, 1.0)


def assign_tiers(score: np.ndarray, model: Model, tier_min: dict[str, np.ndarray] | None = None) -> pd.Categorical:
    """Tier name per row (categorical, best tier first, then "No data" for NaN); minimums can differ per row."""
    if tier_min is None:
        tier_min = {t.name: np.full(len(score), t.min_score) for t in model.tiers}
    names = [*model.tier_names(), NO_DATA_TIER.name]
    codes = np.full(len(score), len(names) - 1, dtype=np.int64)
    assigned = np.isnan(score)
    for k, t in enumerate(model.tiers):  # descending: the first tier whose minimum the score reaches wins
        hit = ~assigned & (score >= tier_min[t.name])
        codes[hit] = k
        assigned |= hit
    return pd.Categorical.from_codes(codes, categories=names, ordered=True)


def _flag_labels(model: Model, fired: dict[str, np.ndarray], n: int) -> pd.Categorical:
    """Comma-separated labels of fired flags ("" when none), built once per distinct combination (fast)."""
    if not model.flags:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=[""])
    code = np.zeros(n, dtype=np.int64)
    for bit, f in enumerate(model.flags):
        code |= fired[f.name].astype(np.int64) << bit
    uniq, inv = np.unique(code, return_inverse=True)
    labels = [", ".join(f.label for bit, f in enumerate(model.flags) if u >> bit & 1) for u in uniq]
    return pd.Categorical.from_codes(inv.reshape(-1), categories=labels)


def explain(scores: Scores, account_id: str, as_of=None) -> pd.DataFrame:
    """Contributions for one account (all its as_of dates when as_of is None); see scoring_explain."""
    f = scores.frame
    mask = (f["account_id"] == account_id).to_numpy().copy()
    if as_of is not None:
        mask &= (pd.to_datetime(f["as_of"]) == pd.Timestamp(as_of)).to_numpy()
    return contributions(scores, np.flatnonzero(mask))
