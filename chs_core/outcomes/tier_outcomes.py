"""Is the score any good? What happened to each tier's accounts within a horizon after they were scored.

Point in time: each score in `scored_history` was computed as of its date with data up to
then; here it is compared with ARR `horizon_months` later. A score whose horizon month
is not yet in the data cannot be judged and is left out (not counted as retained).
Definitions follow domain.md, "Is the score any good?": recall = churners flagged at risk
beforehand / churners; false-positive share = at-risk flags on accounts that did not
churn / all at-risk flags. Every (as_of, account) pair counts once, pooled over dates.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from chs_core.kpis.periods import arr_frame, month_start
from chs_core.model import NO_DATA_TIER
from chs_core.sources import Dataset


@dataclass(frozen=True)
class FlagQuality:
    """How well at-risk flags caught the ARR later lost (fractions, None when undefined)."""

    judged_rows: int  # (as_of, account) pairs with an outcome
    as_of_dates: int
    lost_arr: float  # churned + contracted ARR within the horizon
    flagged_lost_arr: float  # of which flagged at risk at as_of
    flagged_loss_share: float | None
    churners: int
    flagged_churners: int
    recall: float | None
    at_risk_flags: int
    flagged_not_churned: int
    false_positive_share: float | None


def judged_outcomes(scored_history: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset,
                    horizon_months: int = 3, end_month: date | None = None) -> pd.DataFrame:
    """Each scored (as_of, account) with its ARR outcome horizon_months after as_of's month.

    In: scored_history (account_id, as_of, tier, health_score, arr, at_risk); arr_monthly.
    end_month: last month to trust (default: the last data month; pass the last complete month
    when the data ends part-way through one). Rows whose horizon month is after end_month or
    absent from the data, and rows with no ARR at as_of (not a paying customer), are dropped.
    Out: the input columns plus as_of_month, horizon_month, future_arr, churned, contracted,
    lost_arr (arr - future_arr when lower, else 0).
    """
    if horizon_months < 1:
        raise ValueError("horizon_months must be at least 1")
    arr = arr_frame(arr_monthly)
    months = set(arr["month"])
    trusted = pd.Timestamp(month_start(end_month)) if end_month is not None else (max(months) if months else None)
    h = scored_history.copy()
    h["account_id"] = h["account_id"].astype(str)
    h["as_of_month"] = pd.to_datetime(h["as_of"]).dt.to_period("M").dt.to_timestamp()
    h["horizon_month"] = h["as_of_month"] + pd.DateOffset(months=horizon_months)
    h["tier"] = h["tier"].astype(object).where(h["tier"].notna(), NO_DATA_TIER.name)
    h["at_risk"] = h["at_risk"].astype("boolean").fillna(False).astype(bool)
    h["arr"] = pd.to_numeric(h["arr"], errors="coerce")
    # A missing score-time ARR falls back to that month's snapshot.
    snapshot = arr.rename(columns={"month": "as_of_month", "arr": "_snap"})
    h = h.merge(snapshot, on=["account_id", "as_of_month"], how="left")
    h["arr"] = h["arr"].fillna(h["_snap"]).fillna(0.0)
    judged = h["horizon_month"].isin(list(months)) & (h["arr"] > 0)
    if trusted is not None:
        judged &= h["horizon_month"] <= trusted
    h = h[judged].drop(columns="_snap")
    future = arr.rename(columns={"month": "horizon_month", "arr": "future_arr"})
    # No row in the horizon month means no ARR: the account has churned.
    h = h.merge(future, on=["account_id", "horizon_month"], how="left")
    h["future_arr"] = h["future_arr"].fillna(0.0)
    h["churned"] = h["future_arr"] <= 0
    h["contracted"] = ~h["churned"] & (h["future_arr"] < h["arr"])
    h["lost_arr"] = (h["arr"] - h["future_arr"]).clip(lower=0.0)
    return h.reset_index(drop=True)


def tier_outcomes(scored_history: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset,
                  horizon_months: int = 3, end_month: date | None = None,
                  tier_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Per tier, pooled over as-of dates: how many scored accounts churned or contracted within the horizon.

    Out: tier, accounts ((as_of, account) pairs judged), arr (ARR at as_of), churned_accounts,
    churned_or_contracted_accounts, lost_arr (churned + contracted ARR), account_loss_share
    (churned_or_contracted_accounts / accounts), arr_loss_share (lost_arr / arr). Rows follow
    tier_order (tiers without judged scores get zeros) or, without it, mean health high to low.
    """
    return tier_outcomes_of(judged_outcomes(scored_history, arr_monthly, horizon_months, end_month), tier_order)


def tier_outcomes_of(judged: pd.DataFrame, tier_order: Sequence[str] | None = None) -> pd.DataFrame:
    """tier_outcomes from already judged rows (judged_outcomes), so callers needing both views judge once."""
    j = judged.assign(lost=judged["churned"] | judged["contracted"])
    g = j.groupby("tier")
    out = pd.DataFrame({
        "accounts": g["account_id"].count(),
        "arr": g["arr"].sum(),
        "churned_accounts": g["churned"].sum(),
        "churned_or_contracted_accounts": g["lost"].sum(),
        "lost_arr": g["lost_arr"].sum(),
    })
    if tier_order is not None:
        order = list(tier_order) + [t for t in out.index if t not in tier_order]
    else:
        order = list(g["health_score"].mean().sort_values(ascending=False, kind="stable").index)
    out = out.reindex(order).fillna(0)
    counts = ["accounts", "churned_accounts", "churned_or_contracted_accounts"]
    out[counts] = out[counts].astype(int)
    out["account_loss_share"] = out["churned_or_contracted_accounts"] / out["accounts"].where(out["accounts"] > 0)
    out["arr_loss_share"] = out["lost_arr"] / out["arr"].where(out["arr"] > 0)
    return out.rename_axis("tier").reset_index()


def _share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole > 0 else None


def flagged_loss_share(scored_history: pd.DataFrame, arr_monthly: pd.DataFrame | Dataset,
                       horizon_months: int = 3, end_month: date | None = None) -> FlagQuality:
    """Share of the ARR lost within the horizon that had been flagged at risk, plus recall and false positives."""
    return flag_quality_of(judged_outcomes(scored_history, arr_monthly, horizon_months, end_month))


def flag_quality_of(j: pd.DataFrame) -> FlagQuality:
    """flagged_loss_share from already judged rows (judged_outcomes)."""
    flagged = j["at_risk"]
    lost, flagged_lost = float(j["lost_arr"].sum()), float(j.loc[flagged, "lost_arr"].sum())
    churners, flagged_churners = int(j["churned"].sum()), int((j["churned"] & flagged).sum())
    flags, false_flags = int(flagged.sum()), int((flagged & ~j["churned"]).sum())
    return FlagQuality(
        judged_rows=len(j),
        as_of_dates=int(j["as_of_month"].nunique()),
        lost_arr=lost,
        flagged_lost_arr=flagged_lost,
        flagged_loss_share=_share(flagged_lost, lost),
        churners=churners,
        flagged_churners=flagged_churners,
        recall=_share(flagged_churners, churners),
        at_risk_flags=flags,
        flagged_not_churned=false_flags,
        false_positive_share=_share(false_flags, flags),
    )
