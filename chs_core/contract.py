"""The data contract: the tables a user supplies, their columns and what they mean.

This module is the single source of truth for table and column names. Loading,
validation, metrics SQL, the demo generator and the README table all read it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB logical type the column is cast to: VARCHAR, DATE, TIMESTAMP, DOUBLE, BIGINT, BOOLEAN
    required: bool
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    key: tuple[str, ...]  # columns that must be unique together (empty: no key)
    meaning: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, required: bool, meaning: str) -> Column:
    return Column(name, type_, required, meaning)


SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
PRIORITIES = ("P0", "P1", "P2", "P3")
# Roles whose NPS counts as a decision maker's (weighs more, and a detractor raises a flag).
DECISION_MAKER_ROLES = ("executive_sponsor", "decision_maker")
CONTACT_ROLES = ("executive_sponsor", "decision_maker", "champion", "admin", "end_user")
ACTIVITY_TYPES = ("meeting", "qbr", "training", "renewal_meeting", "call", "email", "note")
ACTIVITY_OUTCOMES = ("held", "missed", "cancelled", "scheduled")

TABLES: tuple[Table, ...] = (
    Table("accounts", True, ("account_id",), "One row per customer account.", (
        _c("account_id", "VARCHAR", True, "Unique account identifier, used as the key in every other table."),
        _c("account_name", "VARCHAR", True, "Display name."),
        _c("segment", "VARCHAR", True, "Customer segment: SMB, Mid-Market or Enterprise (segment overrides in model.yaml key on it)."),
        _c("industry", "VARCHAR", False, "Industry, for breakdowns."),
        _c("region", "VARCHAR", False, "Sales region, for breakdowns."),
        _c("csm", "VARCHAR", False, "Name of the customer success manager who owns the account."),
        _c("licensed_seats", "BIGINT", True, "Seats in the current contract; denominator of the active-user ratio."),
        _c("renewal_date", "DATE", False, "Next contract renewal date."),
        _c("customer_since", "DATE", False, "Contract start; defaults to the first month with ARR."),
        _c("acquisition_channel", "VARCHAR", False, "How the account was won (e.g. inbound, outbound, partner, "
           "self-serve), for retention by cohort."),
    )),
    Table("arr_monthly", True, ("account_id", "month"),
          "One ARR snapshot per account and calendar month; drives GRR, NRR, logo retention, expansion, contraction and churn. "
          "A month with no row (or ARR 0) means the account was not paying that month.", (
        _c("account_id", "VARCHAR", True, "Account the snapshot belongs to."),
        _c("month", "DATE", True, "Any date in the month; it is truncated to the first of the month."),
        _c("arr", "DOUBLE", True, "Annual recurring revenue in that month (0 or more)."),
        _c("seats", "BIGINT", False, "Licensed seats in that month; gives the seat trend."),
    )),
    Table("usage_events", False, (),
          "Product usage: raw events (one row each) or pre-aggregated per user, day and feature with a count.", (
        _c("account_id", "VARCHAR", True, "Account of the user."),
        _c("user_id", "VARCHAR", True, "User who did the action."),
        _c("event_date", "DATE", True, "Day of the event (a timestamp is truncated to its day)."),
        _c("feature", "VARCHAR", True, "Feature or module used."),
        _c("event_count", "BIGINT", False, "Number of events the row stands for (default 1)."),
    )),
    Table("tickets", False, ("ticket_id",), "Support tickets.", (
        _c("ticket_id", "VARCHAR", True, "Unique ticket identifier."),
        _c("account_id", "VARCHAR", True, "Account that raised it."),
        _c("opened_at", "TIMESTAMP", True, "When it was opened."),
        _c("resolved_at", "TIMESTAMP", False, "When it was resolved; empty while open."),
        _c("priority", "VARCHAR", True, "P0 (outage) to P3 (question)."),
        _c("escalated", "BOOLEAN", False, "True when escalated beyond the support team."),
        _c("csat", "DOUBLE", False, "Support satisfaction rating, 1-5."),
    )),
    Table("nps_responses", False, (), "NPS survey answers.", (
        _c("account_id", "VARCHAR", True, "Account of the respondent."),
        _c("responded_at", "DATE", True, "Day of the answer."),
        _c("score", "BIGINT", True, "0-10 answer to 'how likely are you to recommend us?'."),
        _c("respondent_role", "VARCHAR", False, "executive_sponsor, decision_maker, champion, admin or end_user; "
           "decision makers weigh more."),
    )),
    Table("contacts", False, ("contact_id",), "People at the customer the CSM works with.", (
        _c("contact_id", "VARCHAR", True, "Unique contact identifier."),
        _c("account_id", "VARCHAR", True, "Account of the contact."),
        _c("contact_name", "VARCHAR", False, "Display name."),
        _c("role", "VARCHAR", True, "executive_sponsor, decision_maker, champion, admin or end_user."),
        _c("is_champion", "BOOLEAN", False, "True for the internal champion(s)."),
        _c("user_id", "VARCHAR", False, "The contact's user id in usage_events (shows whether the sponsor logs in)."),
        _c("left_date", "DATE", False, "Day the contact left the customer; empty while still there."),
    )),
    Table("csm_activities", False, (), "CSM touchpoints with the account.", (
        _c("account_id", "VARCHAR", True, "Account the activity was with."),
        _c("activity_date", "DATE", True, "Day of the activity."),
        _c("activity_type", "VARCHAR", True, "meeting, qbr, training, renewal_meeting, call, email or note."),
        _c("outcome", "VARCHAR", False, "held, missed, cancelled or scheduled (default held)."),
        _c("notes", "VARCHAR", False, "Free-text notes; searched for competitor and budget mentions."),
    )),
    Table("invoices", False, ("invoice_id",), "Invoices and their payment.", (
        _c("invoice_id", "VARCHAR", True, "Unique invoice identifier."),
        _c("account_id", "VARCHAR", True, "Account invoiced."),
        _c("due_date", "DATE", True, "Day payment was due."),
        _c("paid_date", "DATE", False, "Day it was paid; empty while unpaid."),
        _c("amount", "DOUBLE", False, "Invoice amount."),
    )),
)

# Input tables that are not scored directly: monthly ARR (and, when absent, accounts) are derived from them
# (chs_core.sources.subscriptions states the rule). A source may supply them instead of arr_monthly.
SUBSCRIPTION_STATUSES = ("active", "past_due", "cancelled", "trial", "paused")
SUBSCRIPTIONS = Table("subscriptions", False, ("subscription_id",),
    "Contracts or subscription periods, from a billing export; arr_monthly is derived from them when it is not supplied "
    "(ARR of a month = the subscriptions active on its last day, summed per account; MRR x 12).", (
    _c("subscription_id", "VARCHAR", False, "Unique subscription or period identifier."),
    _c("account_id", "VARCHAR", True, "Account that pays for it."),
    _c("start_date", "DATE", True, "First day paid."),
    _c("end_date", "DATE", False, "First day no longer paid (exclusive; the mapping can say inclusive); empty while active."),
    _c("mrr", "DOUBLE", False, "Monthly recurring revenue of the subscription (give mrr or arr)."),
    _c("arr", "DOUBLE", False, "Annual recurring revenue of the subscription; wins over mrr when both are given."),
    _c("quantity", "BIGINT", False, "Seats (licences) in the subscription; summed per month into arr_monthly.seats."),
    _c("plan", "VARCHAR", False, "Plan or product name."),
    _c("status", "VARCHAR", False, "active, past_due, cancelled, trial or paused; trial and paused carry no ARR."),
))
INPUT_TABLES: tuple[Table, ...] = TABLES + (SUBSCRIPTIONS,)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in INPUT_TABLES}


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]


def contract_markdown() -> str:
    """The contract as Markdown (for the README and `python -m chs_core contract`)."""
    lines = []
    for table in INPUT_TABLES:
        need = "required" if table.required else "optional"
        key = f" Key: {', '.join(table.key)}." if table.key else ""
        lines += [f"#### `{table.name}` ({need})", "", f"{table.meaning}{key}", "",
                  "| column | type | required | meaning |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {c.meaning} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)
