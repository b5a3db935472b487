"""Health KPIs over a scored account list: average health, at-risk ARR, tier mix, and breakdowns.

Input `scored`: one row per account with account_id, health_score (0-100, NaN when the
account had no data to score), tier, arr, and optionally segment, region, csm and at_risk.
An unscored account (NaN health) is counted apart, never as a score of 0: a missing
score is a data gap, not a failing customer.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MISSING_GROUP = "(not set)"  # accounts with no segment / region / csm value (not to be confused with "No data": no score)


@dataclass(frozen=True)
class HealthKpis:
    """Headline health numbers; ARR sums and the tier mix cover scored accounts only."""

    accounts_scored: int
    accounts_unscored: int  # NaN health: reported apart, not as 0
    unscored_arr: float
    avg_health: float | None  # None when nothing is scored
    arr_weighted_health: float | None  # None when scored accounts carry no ARR
    at_risk_accounts: int
    at_risk_arr: float
    total_arr: float  # ARR of scored accounts
    at_risk_share: float | None  # at_risk_arr / total_arr
    tier_counts: dict[str, int]  # in the tier order given, then any other tier seen
    tier_arr: dict[str, float]


def _prepared(scored: pd.DataFrame, at_risk_below: float | None) -> pd.DataFrame:
    """Copy with numeric health/arr, a `scored` flag and an `at_risk` flag (False when unscored)."""
    out = scored.copy()
    out["health_score"] = pd.to_numeric(out["health_score"], errors="coerce")
    out["arr"] = pd.to_numeric(out["arr"], errors="coerce").fillna(0.0)
    out["scored"] = out["health_score"].notna()
    if at_risk_below is not None:
        out["at_risk"] = out["scored"] & (out["health_score"] < at_risk_below)
    elif "at_risk" in out:
        # Segment-specific thresholds: the scorer already decided who is at risk.
        out["at_risk"] = out["scored"] & out["at_risk"].astype("boolean").fillna(False).astype(bool)
    else:
        raise ValueError("pass at_risk_below, or a scored frame with an at_risk column")
    return out


def _tiers_in_order(tiers: pd.Series, tier_order: Sequence[str] | None) -> list[str]:
    order = list(tier_order or [])
    return order + sorted(str(t) for t in tiers.dropna().unique() if t not in order)


def _weighted(health: pd.Series, arr: pd.Series) -> float | None:
    total = arr.sum()
    return float((health * arr).sum() / total) if total > 0 else None


def health_kpis(scored: pd.DataFrame, at_risk_below: float | None,
                tier_order: Sequence[str] | None = None) -> HealthKpis:
    """Average and ARR-weighted health, at-risk ARR and its share, and the tier mix.

    at_risk_below: health below this is at risk (domain default 50); None uses scored["at_risk"].
    """
    df = _prepared(scored, at_risk_below)
    ok = df[df["scored"]]
    total_arr = float(ok["arr"].sum())
    at_risk_arr = float(ok.loc[ok["at_risk"], "arr"].sum())
    tiers = _tiers_in_order(ok["tier"], tier_order)
    counts = ok.groupby("tier")["account_id"].count()
    arr_by_tier = ok.groupby("tier")["arr"].sum()
    return HealthKpis(
        accounts_scored=len(ok),
        accounts_unscored=int((~df["scored"]).sum()),
        unscored_arr=float(df.loc[~df["scored"], "arr"].sum()),
        avg_health=float(ok["health_score"].mean()) if len(ok) else None,
        arr_weighted_health=_weighted(ok["health_score"], ok["arr"]),
        at_risk_accounts=int(ok["at_risk"].sum()),
        at_risk_arr=at_risk_arr,
        total_arr=total_arr,
        at_risk_share=at_risk_arr / total_arr if total_arr > 0 else None,
        tier_counts={t: int(counts.get(t, 0)) for t in tiers},
        tier_arr={t: float(arr_by_tier.get(t, 0.0)) for t in tiers},
    )


def breakdown(scored: pd.DataFrame, by: str, at_risk_below: float | None,
              tier_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Health KPIs per value of `by` (segment, region, csm, ...), largest ARR first.

    Out: <by>, accounts, arr, avg_health, arr_weighted_health, at_risk_accounts, at_risk_arr,
    at_risk_share, unscored_accounts, unscored_arr, then one count column per tier (named after
    the tier). All but the unscored_* columns cover scored accounts only; averages are NaN for a
    group with nothing scored. Accounts with no `by` value are grouped under "(not set)".
    """
    if by not in scored.columns:
        raise ValueError(f"cannot break down by {by!r}: the scored frame has no such column")
    df = _prepared(scored, at_risk_below)
    df[by] = df[by].astype(object).where(df[by].notna(), MISSING_GROUP).astype(str)
    df["h_arr"] = df["health_score"] * df["arr"]
    ok = df[df["scored"]]
    g = ok.groupby(by)
    out = pd.DataFrame({
        "accounts": g["account_id"].count(),
        "arr": g["arr"].sum(),
        "avg_health": g["health_score"].mean(),
        "arr_weighted_health": g["h_arr"].sum() / g["arr"].sum().replace(0.0, np.nan),
        "at_risk_accounts": g["at_risk"].sum(),
        "at_risk_arr": ok[ok["at_risk"]].groupby(by)["arr"].sum(),
    }).reindex(sorted(df[by].unique()))
    out[["accounts", "at_risk_accounts"]] = out[["accounts", "at_risk_accounts"]].fillna(0).astype(int)
    out[["arr", "at_risk_arr"]] = out[["arr", "at_risk_arr"]].fillna(0.0)
    out["at_risk_share"] = out["at_risk_arr"] / out["arr"].replace(0.0, np.nan)
    unscored = df[~df["scored"]].groupby(by)
    out["unscored_accounts"] = unscored["account_id"].count().reindex(out.index).fillna(0).astype(int)
    out["unscored_arr"] = unscored["arr"].sum().reindex(out.index).fillna(0.0)
    per_tier = pd.crosstab(ok[by], ok["tier"]) if len(ok) else pd.DataFrame(index=out.index)
    for tier in _tiers_in_order(ok["tier"], tier_order):
        column = per_tier[tier] if tier in per_tier else pd.Series(dtype=int)
        out[tier] = column.reindex(out.index).fillna(0).astype(int)
    out = out.sort_values("arr", ascending=False, kind="stable")
    return out.rename_axis(by).reset_index()
