"""The executive page's view of the backtest: did the tiers and the at-risk flag see losses coming?

Built from the backtest core (outcomes.labels, outcomes.backtest), so the page, the CLI backtest and the
tuning page judge alike. One outcome throughout: churned or contracted within the horizon (the backtest's
"churn_or_contraction"), counted in account-months: each (as-of month end, account) pair judged once.
Base rate: the share of judged account-months with the outcome. A tier's lift is its own rate over the base
rate (2.0 = twice as likely to lose ARR as the average account-month). Recall: lost account-months flagged at
risk / all lost account-months. False-alert share: flagged account-months with no loss / all flagged
(the practitioners' "false-positive rate", 1 - precision).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.model import Model
from chs_core.outcomes.backtest import Judged, OutcomeReport, judge, outcome_report
from chs_core.outcomes.labels import label_history

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


def outcome_summary(j: Judged, report: OutcomeReport) -> OutcomeSummary:
    """Base rate, recall and false alerts from the backtest's churn_or_contraction report, plus lost ARR flagged."""
    lab, q = j.labels, report.pooled
    days = sorted(pd.to_datetime(np.unique(lab.as_of)).date) if len(lab) else []
    lost_arr = float(lab.lost_arr[lab.lost].sum()) if len(lab) else 0.0
    flagged_lost_arr = float(lab.lost_arr[lab.lost & j.at_risk].sum()) if len(lab) else 0.0
    return OutcomeSummary(
        account_months=q.rows, as_of_dates=len(days), first_as_of=days[0] if days else None,
        last_as_of=days[-1] if days else None, lost=q.positives, base_rate=q.base_rate, flagged=q.at_risk_rows,
        flagged_lost=q.true_positives, recall=q.recall, false_alert_share=q.false_alert_share,
        lost_arr=lost_arr, flagged_lost_arr=flagged_lost_arr, flagged_loss_share=_share(flagged_lost_arr, lost_arr),
    )


def tier_table(report: OutcomeReport, base_rate: float | None) -> pd.DataFrame:
    """One row per tier: tier, accounts (account-months judged), account_loss_share, arr_loss_share, lift."""
    rows = [{"tier": t.tier, "accounts": t.rows, "account_loss_share": np.nan if t.rate is None else t.rate,
             "arr_loss_share": t.lost_arr / t.arr if t.arr > 0 else np.nan} for t in report.tiers]
    out = pd.DataFrame(rows, columns=["tier", "accounts", "account_loss_share", "arr_loss_share"])
    out["lift"] = out["account_loss_share"] / base_rate if base_rate else np.nan
    return out


def tier_lift(scored_history: pd.DataFrame, arr: pd.DataFrame, model: Model, horizon_months: int,
              end_month: date | None) -> tuple[pd.DataFrame, OutcomeSummary]:
    """Per-tier rates with lift and the pooled summary, judging `scored_history` with the backtest core."""
    history = scored_history.reset_index(drop=True)
    labels = label_history(history, arr, horizon_months, end_month)
    j = judge(history, labels)
    report = outcome_report(j, "churn_or_contraction", model.tier_names(), samples=0)
    summary = outcome_summary(j, report)
    return tier_table(report, summary.base_rate), summary
