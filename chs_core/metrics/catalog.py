"""The metrics the core computes per account and as-of date, with their meaning.

`chs_core.metrics.compute` computes exactly these columns; `model.yaml` may only refer to
these names. A metric is NULL (missing) when its source table or its inputs are
absent at the as-of date; scoring then re-weights the rest and reports coverage.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    name: str
    source: str  # contract table it comes from
    unit: str  # ratio, count, days, score, pct_change, hours, money
    meaning: str


METRICS: tuple[MetricInfo, ...] = (
    # Product usage
    MetricInfo("active_user_ratio", "usage_events", "ratio",
               "Distinct users active in the last 28 days / licensed seats (seats from arr_monthly when given, else accounts)."),
    MetricInfo("feature_breadth", "usage_events", "ratio",
               "Distinct features the account used in the last 28 days / distinct features seen across all accounts up to the as-of date."),
    MetricInfo("key_feature_adoption", "usage_events", "ratio",
               "Share of the account's active users (28 days) who used a key feature (model.yaml signals.key_features)."),
    MetricInfo("usage_depth", "usage_events", "count",
               "Events per active user in the last 28 days."),
    MetricInfo("usage_trend", "usage_events", "pct_change",
               "Events in the last 28 days vs the 28 days before, as a fraction (-0.3 = down 30%). NULL when the prior window had none."),
    MetricInfo("exec_sponsor_active", "contacts", "ratio",
               "1 if an executive sponsor (contacts.role, not left) used the product in the last 90 days, else 0. "
               "NULL without contacts with a user_id."),
    # Engagement
    MetricInfo("nps", "nps_responses", "score",
               "Weighted NPS over the last 365 days, -100..100: decision makers weigh more, "
               "and recent answers more than old (half-life 90 days)."),
    MetricInfo("meetings_90d", "csm_activities", "count",
               "Meetings, QBRs and calls held in the last 90 days."),
    MetricInfo("trainings_180d", "csm_activities", "count",
               "Trainings held in the last 180 days."),
    # Growth
    MetricInfo("arr_trend", "arr_monthly", "pct_change",
               "ARR in the as-of month vs 3 months earlier, as a fraction."),
    MetricInfo("seat_trend", "arr_monthly", "pct_change",
               "Seats in the as-of month vs 3 months earlier, as a fraction (needs arr_monthly.seats)."),
    # Support
    MetricInfo("tickets_per_seat_90d", "tickets", "ratio",
               "Tickets opened in the last 90 days / licensed seats."),
    MetricInfo("urgent_tickets_90d", "tickets", "count",
               "P0 and P1 tickets opened in the last 90 days."),
    MetricInfo("escalations_90d", "tickets", "count",
               "Escalated tickets opened in the last 90 days."),
    MetricInfo("resolution_hours_90d", "tickets", "hours",
               "Median hours to resolve tickets resolved in the last 90 days."),
    MetricInfo("csat_180d", "tickets", "score",
               "Mean support CSAT (1-5) on tickets resolved in the last 180 days."),
    # Financial
    MetricInfo("days_past_due", "invoices", "days",
               "Days the oldest unpaid overdue invoice is past due at the as-of date (0 when none)."),
    MetricInfo("days_to_renewal", "accounts", "days",
               "Days from the as-of date to the next anniversary of accounts.renewal_date on or after it "
               "(annual contracts; 0 = renews that day; negative = renewal_date overdue)."),
    MetricInfo("tenure_months", "arr_monthly", "count",
               "Whole months since customer_since (or the first month with ARR)."),
)

# Raw signals computed alongside the metrics that only feed risk flags (never scored directly).
FLAG_SIGNALS: tuple[MetricInfo, ...] = (
    MetricInfo("champion_left_90d", "contacts", "count", "Champions whose left_date is in the last 90 days."),
    MetricInfo("dm_detractors_180d", "nps_responses", "count", "Decision-maker NPS answers of 0-6 in the last 180 days."),
    MetricInfo("escalations_30d", "tickets", "count", "Escalated tickets opened in the last 30 days."),
    MetricInfo("missed_renewal_meetings_90d", "csm_activities", "count", "Renewal meetings marked missed in the last 90 days."),
    MetricInfo("competitor_mentions_90d", "csm_activities", "count", "Notes in the last 90 days mentioning a competitor keyword."),
    MetricInfo("budget_mentions_90d", "csm_activities", "count", "Notes in the last 90 days mentioning a budget keyword."),
)

METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
SIGNAL_NAMES: tuple[str, ...] = METRIC_NAMES + tuple(s.name for s in FLAG_SIGNALS)


@dataclass(frozen=True)
class SignalSettings:
    """Inputs to metric computation that come from model.yaml `signals:`.

    Kept apart from weights so that moving a weight never recomputes metrics.
    """
    key_features: tuple[str, ...] = ("integrations", "automation", "team_management")
    competitor_keywords: tuple[str, ...] = ("competitor", "switching to", "alternative", "evaluating")
    budget_keywords: tuple[str, ...] = ("budget", "cost cutting", "price increase", "procurement review")
