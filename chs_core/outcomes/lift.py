"""Did the tiers and the at-risk flag see losses coming? One outcome throughout: churned or contracted.

Counted in account-months: each (as-of month end, account) pair scored point in time and judged
`horizon_months` later (judged_outcomes) counts once, so one account appears once per as-of date.
Base rate: the share of all judged account-months that churned or contracted. A tier's lift is its
own rate over the base rate (2.0 = twice as likely to lose ARR as the average account-month).
Recall: lost account-months flagged at risk / all lost account-months. False-alert share: flagged
account-months that were not lost / all flagged (the practitioners' "false-positive rate", 1 - precision).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

OUTCOME = "churned or contracted"


@dataclass(frozen=True)
class OutcomeSummary:
    """Pooled over every judged as-of date (fractions; None when undefined)."""

    account_months: int
    as_of_dates: int
    first_as_of: date | None
    last_as_of: date | None
    lost: int  # account-months that churned or contracted within the horizon
    base_rate: float | None
    flagged: int  # account-months below the at-risk cut-off
    flagged_lost: int
    recall: float | None
    false_alert_share: float | None
    lost_arr: float
    flagged_lost_arr: float
    flagged_loss_share: float | None  # of the ARR lost, the share flagged at risk beforehand


def _share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole > 0 else None


def outcome_summary(judged: pd.DataFrame) -> OutcomeSummary:
    """From judged_outcomes rows: base rate, recall and false alerts, all on 'churned or contracted'."""
    lost = judged["churned"] | judged["contracted"]
    flagged = judged["at_risk"].astype(bool)
    days = pd.to_datetime(judged["as_of"]).dt.date if len(judged) else pd.Series(dtype=object)
    lost_arr = float(judged["lost_arr"].sum())
    flagged_lost_arr = float(judged.loc[flagged, "lost_arr"].sum())
    return OutcomeSummary(
        account_months=len(judged), as_of_dates=int(days.nunique()),
        first_as_of=min(days) if len(days) else None, last_as_of=max(days) if len(days) else None,
        lost=int(lost.sum()), base_rate=_share(lost.sum(), len(judged)),
        flagged=int(flagged.sum()), flagged_lost=int((flagged & lost).sum()),
        recall=_share((flagged & lost).sum(), lost.sum()),
        false_alert_share=_share((flagged & ~lost).sum(), flagged.sum()),
        lost_arr=lost_arr, flagged_lost_arr=flagged_lost_arr, flagged_loss_share=_share(flagged_lost_arr, lost_arr),
    )


def with_lift(per_tier: pd.DataFrame, base_rate: float | None) -> pd.DataFrame:
    """tier_outcomes_of rows plus `lift`: the tier's churned-or-contracted share over the base rate."""
    out = per_tier.copy()
    out["lift"] = out["account_loss_share"] / base_rate if base_rate else float("nan")
    return out
