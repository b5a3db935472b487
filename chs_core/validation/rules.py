"""Domain rules on values, per table: ranges and allowed codes, each with its message, fix and severity."""
from __future__ import annotations

from dataclasses import dataclass

from chs_core.contract import PRIORITIES, SEGMENTS


@dataclass(frozen=True)
class ValueRule:
    column: str
    bad_when: str  # SQL condition over the typed view that marks a bad row
    message: str
    fix: str
    severity: str = "error"


def _not_in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} NOT IN ({', '.join(repr(a) for a in allowed)})"


VALUE_RULES: dict[str, tuple[ValueRule, ...]] = {
    "arr_monthly": (
        ValueRule("arr", "arr < 0", "negative ARR", "ARR is 0 or more; record a churned month as 0 or no row"),
        ValueRule("seats", "seats < 0", "negative seats", "seats are 0 or more"),
    ),
    "accounts": (
        ValueRule("licensed_seats", "licensed_seats <= 0", "licensed seats must be positive",
                  "set the contract's seat count (at least 1)"),
        ValueRule("segment", _not_in("segment", SEGMENTS), "segment is not one of " + ", ".join(SEGMENTS),
                  "map segments to SMB, Mid-Market or Enterprise; segment overrides in model.yaml only apply to those",
                  "warning"),
    ),
    "tickets": (
        ValueRule("priority", _not_in("priority", PRIORITIES), "priority is not one of P0, P1, P2, P3",
                  "map priorities, e.g. urgent→P0, high→P1, medium→P2, low→P3"),
        ValueRule("csat", "csat < 1 OR csat > 5", "CSAT outside 1-5", "rescale CSAT to 1-5"),
        ValueRule("resolved_at", "resolved_at < opened_at", "resolved before it was opened (left out of resolution time)",
                  "check the two timestamps (a time-zone or day/month mix-up?)",
                  "warning"),
    ),
    "nps_responses": (
        ValueRule("score", "score < 0 OR score > 10", "NPS answer outside 0-10", "NPS answers are whole numbers 0-10"),
    ),
    "usage_events": (
        ValueRule("event_count", "event_count < 0", "negative event count", "counts are 0 or more"),
    ),
}

# Columns that record something that already happened: a value after today is a data error.
# (renewal_date and due_date may lie in the future.)
PAST_ONLY_COLUMNS = {
    "arr_monthly": ("month",), "usage_events": ("event_date",), "tickets": ("opened_at", "resolved_at"),
    "nps_responses": ("responded_at",), "contacts": ("left_date",), "csm_activities": (),
    "invoices": ("paid_date",), "accounts": ("customer_since",),
}

# Event dates that should not precede the account becoming a customer.
EVENT_DATE_COLUMNS = {"usage_events": "event_date", "tickets": "opened_at", "nps_responses": "responded_at",
                      "csm_activities": "activity_date"}

TYPE_HINTS = {
    "DATE": "write dates as YYYY-MM-DD",
    "TIMESTAMP": "write timestamps as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
    "DOUBLE": "use plain numbers with a dot for decimals and no currency symbols or thousands separators",
    "BIGINT": "use whole numbers",
    "BOOLEAN": "use true/false",
    "VARCHAR": "use text",
}
