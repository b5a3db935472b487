"""The executive summary: retention and health KPIs for a period and the one before it.

The CLI (`python -m chs_core kpis`) and the executive page both call
`executive_summary`, so the numbers a leader sees and the JSON finance gets agree.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd

from chs_core.kpis.benchmarks import BENCHMARKS
from chs_core.kpis.health import HealthKpis, health_kpis
from chs_core.kpis.periods import Period, month_end, previous_period
from chs_core.kpis.retention import RetentionKpis, bridge_amounts, retention_kpis
from chs_core.selection import only_accounts

# Plain-words definitions shown on the page and written into the JSON, so the number carries its rule.
DEFINITIONS: dict[str, str] = {
    "cohort": "Accounts with ARR > 0 in the period's start month. New logos (no ARR at the start) are left out of "
              "GRR, NRR, logo retention and expansion rate; they appear only as new business in the ARR bridge.",
    "window": "ARR in the start month is compared with ARR in the end month (monthly snapshots from arr_monthly). "
              "Trailing 12 months compares a month with the same month a year earlier.",
    "churn": "A cohort account with no ARR in the end month (no row, or ARR 0). Its whole starting ARR is churned ARR.",
    "contraction": "A cohort account whose end ARR is above 0 but below its start ARR; the difference is contraction.",
    "expansion": "A cohort account whose end ARR is above its start ARR; the difference is expansion.",
    "new": "An account with no ARR in the start month and ARR in the end month, including returning (reactivated) ones.",
    "grr": "Gross revenue retention = Σ min(start ARR, end ARR) / Σ start ARR over the cohort: each account counts "
           "at most its starting ARR, so expansion never offsets losses and GRR can never exceed 100%.",
    "nrr": "Net revenue retention = Σ end ARR / Σ start ARR over the cohort (start − churn − contraction + expansion); "
           "new business excluded.",
    "logo_retention": "Cohort accounts still paying in the end month / cohort accounts.",
    "expansion_rate": "Cohort accounts whose ARR grew / cohort accounts.",
    "avg_health": "Mean health score of the accounts scored at the period end (point in time); ARR-weighted: each "
                  "account weighs by its ARR. Accounts with no data to score are counted apart, not as 0.",
    "at_risk_arr": "ARR of accounts whose health score is below the at-risk cut-off at the period end, and its share "
                   "of the total ARR of scored accounts.",
}


@dataclass(frozen=True)
class ExecutiveSummary:
    period: Period
    previous: Period
    retention: RetentionKpis
    retention_previous: RetentionKpis
    health: HealthKpis | None  # None when no scores exist at the period end
    health_previous: HealthKpis | None
    health_as_of: date
    health_previous_as_of: date

    def to_dict(self) -> dict:
        """JSON-friendly: current and previous figures, the bridge, benchmarks and definitions."""
        def health(h: HealthKpis | None) -> dict | None:
            return None if h is None else asdict(h)
        return {
            "period": self.retention.to_dict()["period"],
            "previous_period": self.retention_previous.to_dict()["period"],
            "retention": _without_period(self.retention.to_dict()),
            "retention_previous": _without_period(self.retention_previous.to_dict()),
            "bridge": {step.key: amount for step, amount, _ in bridge_amounts(self.retention)},
            "health_as_of": self.health_as_of.isoformat(),
            "health": health(self.health),
            "health_previous_as_of": self.health_previous_as_of.isoformat(),
            "health_previous": health(self.health_previous),
            "benchmarks": {k: {"low": b.low, "high": b.high, "higher_is_better": b.higher_is_better}
                           for k, b in BENCHMARKS.items()},
            "definitions": DEFINITIONS,
        }


def _without_period(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "period"}


def scores_on(scored_history: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The rows of a scored history for one as-of date."""
    if scored_history.empty:
        return scored_history
    return scored_history[pd.to_datetime(scored_history["as_of"]).dt.date == as_of]


def _health(scored_history: pd.DataFrame, as_of: date, tier_order: Sequence[str],
            account_ids: Iterable[str] | None) -> HealthKpis | None:
    rows = only_accounts(scores_on(scored_history, as_of), account_ids)
    if rows.empty:
        return None
    # at_risk_below=None: use the scorer's own at_risk column (cut-offs may differ per segment).
    return health_kpis(rows, None, tier_order)


def executive_summary(arr_monthly: pd.DataFrame, scored_history: pd.DataFrame, period: Period,
                      tier_order: Sequence[str], account_ids: Iterable[str] | None = None) -> ExecutiveSummary:
    """Retention KPIs of `period` and the period before, and health KPIs at the end of each.

    In: arr_monthly (account_id, month, arr); scored_history (account_id, as_of, health_score, tier, arr,
    at_risk) holding at least the as-of dates month_end(period.end) and month_end(previous.end);
    account_ids restricts everything to those accounts (page filters).
    """
    ids = None if account_ids is None else list(account_ids)
    previous = previous_period(period)
    as_of, previous_as_of = month_end(period.end), month_end(previous.end)
    return ExecutiveSummary(
        period=period, previous=previous,
        retention=retention_kpis(arr_monthly, period, ids),
        retention_previous=retention_kpis(arr_monthly, previous, ids),
        health=_health(scored_history, as_of, tier_order, ids),
        health_previous=_health(scored_history, previous_as_of, tier_order, ids),
        health_as_of=as_of, health_previous_as_of=previous_as_of,
    )


def health_history(scored_history: pd.DataFrame, account_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Average health (plain and ARR-weighted) and at-risk ARR per as-of date.

    In: scored_history (account_id, as_of, health_score, arr, at_risk). Unscored rows (NaN health) are left out.
    Out: as_of, accounts, avg_health, arr_weighted_health, total_arr, at_risk_arr, at_risk_share.
    """
    rows = scored_history if account_ids is None else scored_history[scored_history["account_id"].isin(set(account_ids))]
    rows = rows[rows["health_score"].notna()]
    frame = pd.DataFrame({
        "as_of": rows["as_of"], "health": rows["health_score"], "arr": rows["arr"].fillna(0.0),
        "weighted": rows["health_score"] * rows["arr"].fillna(0.0),
        "risk_arr": rows["arr"].fillna(0.0).where(rows["at_risk"].astype(bool), 0.0),
    })
    g = frame.groupby("as_of")
    out = pd.DataFrame({"accounts": g["health"].count(), "avg_health": g["health"].mean(),
                        "total_arr": g["arr"].sum(), "weighted": g["weighted"].sum(), "at_risk_arr": g["risk_arr"].sum()})
    out["arr_weighted_health"] = out["weighted"] / out["total_arr"].where(out["total_arr"] > 0)
    out["at_risk_share"] = out["at_risk_arr"] / out["total_arr"].where(out["total_arr"] > 0)
    return out.drop(columns="weighted").reset_index()


def drop_alert_summary(fired: pd.DataFrame, alert) -> dict:
    """JSON-friendly count and ARR of the accounts raising a score-drop alert (see chs_core.outcomes.alerts)."""
    return {"drop_points": alert.drop_points, "within_days": alert.within_days, "accounts": int(len(fired)),
            "arr": float(fired["arr"].sum()) if len(fired) else 0.0,
            "account_ids": fired["account_id"].tolist()}
