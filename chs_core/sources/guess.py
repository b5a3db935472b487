"""Which contract table a file holds, from its name and its columns (a single file given as --data, init-mapping)."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from chs_core.contract import INPUT_TABLES, TABLES_BY_NAME
from chs_core.sources.folder import FILE_SUFFIXES

# Columns that only one table has: enough to tell the tables apart.
TELLING_COLUMNS = {
    "subscriptions": ("start_date", "mrr"), "arr_monthly": ("month", "arr"), "accounts": ("account_name", "segment"),
    "usage_events": ("event_date", "feature"), "tickets": ("ticket_id", "priority"),
    "nps_responses": ("responded_at", "score"), "contacts": ("contact_id", "role"),
    "csm_activities": ("activity_date", "activity_type"), "invoices": ("invoice_id", "due_date"),
}
# Words in file names that point at a table (billing and CRM exports are rarely named after the contract).
NAME_WORDS = {
    "subscriptions": ("subscription", "contract", "period", "plan"), "arr_monthly": ("arr", "mrr", "revenue"),
    "accounts": ("account", "customer", "compan", "organi"), "usage_events": ("usage", "event", "activity_log"),
    "tickets": ("ticket", "support", "case"), "nps_responses": ("nps", "survey"), "contacts": ("contact", "people"),
    "csm_activities": ("csm", "meeting", "touch"), "invoices": ("invoice", "payment", "billing"),
}


# Names common exports (Stripe, HubSpot, Salesforce, dbt, Zendesk) use for contract columns.
SYNONYMS = {
    "account_id": ("customer_id", "customer", "company_id", "org_id", "organization_id", "client_id", "account"),
    "account_name": ("name", "company", "company_name", "customer_name", "organization", "customer_description"),
    "segment": ("plan_tier", "tier", "customer_segment", "size", "type"),
    "region": ("country", "billing_country", "geo", "territory"),
    "csm": ("owner", "account_owner", "csm_name", "success_manager", "customer_success_manager"),
    "licensed_seats": ("seats", "licenses", "quantity", "users"),
    "renewal_date": ("renewal", "contract_end_date", "next_renewal_date", "renewal_on"),
    "customer_since": ("signup_date", "created", "created_at", "customer_since_date", "first_purchase_date"),
    "start_date": ("start", "start_utc", "started_at", "period_start", "created_utc"),
    "end_date": ("ended_at_utc", "ended_at", "end", "period_end", "canceled_at_utc", "cancelled_at"),
    "mrr": ("monthly_amount", "mrr_amount", "monthly_revenue", "amount"),
    "arr": ("arr_amount", "annual_amount", "acv"),
    "quantity": ("seats", "licenses", "qty"),
    "plan": ("plan_name", "product", "plan_tier"),
    "opened_at": ("submitted_at", "created_at", "created", "opened"),
    "resolved_at": ("closed_at", "solved_at", "resolved"),
    "priority": ("severity", "urgency"),
    "escalated": ("escalation_flag", "is_escalated"),
    "csat": ("satisfaction_score", "satisfaction", "rating"),
    "event_date": ("usage_date", "date", "timestamp", "occurred_at"),
    "feature": ("feature_name", "event_name", "module"),
    "event_count": ("usage_count", "count", "events"),
    "responded_at": ("submitted_at", "response_date", "created_at"),
    "respondent_role": ("role", "job_role", "persona"),
    "activity_date": ("date", "meeting_date", "created_at"),
    "activity_type": ("type", "activity", "meeting_type"),
    "due_date": ("due", "due_at"),
    "paid_date": ("paid_at", "paid", "payment_date"),
}


def _norm(name: str) -> str:
    """customerID, Customer ID and customer-id all become customer_id."""
    split = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", split.lower()).strip("_")


def closest_column(contract_column: str, file_columns: list[str], taken: set[str]) -> str | None:
    """The file column for a contract column: same name, a known synonym, else a close spelling."""
    free = {_norm(c): c for c in file_columns if c not in taken}
    for candidate in (contract_column, *SYNONYMS.get(contract_column, ())):
        if candidate in free:
            return free[candidate]
    close = difflib.get_close_matches(contract_column, list(free), n=1, cutoff=0.88)
    return free[close[0]] if close else None


def stem(path: Path) -> str:
    name = path.name.lower()
    for suffix in FILE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem.lower()


def table_score(name: str, file_stem: str, columns: list[str]) -> float:
    """How well a file fits a table: its name, then the share of the table's columns (close spellings count)."""
    lower = [c.lower() for c in columns]
    table = TABLES_BY_NAME[name]
    if file_stem == name:
        return 100.0
    named = 2.0 if any(w in file_stem for w in NAME_WORDS[name]) else 0.0
    telling = sum(1 for c in TELLING_COLUMNS[name] if c in lower)
    found = sum(1 for c in table.required_columns if closest_column(c, columns, set()))
    return named + 3.0 * telling + found / max(len(table.required_columns), 1)


def guess_table(path: Path, columns: list[str]) -> str | None:
    """The table a file most likely holds, or None when nothing fits."""
    scores = {t.name: table_score(t.name, stem(path), columns) for t in INPUT_TABLES}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 2.0 else None


def assign_tables(files: dict[Path, list[str]]) -> dict[Path, str]:
    """Each file to the table it fits best, one file per table, best fits first (files that fit nothing are left out)."""
    fits = sorted(((table_score(t.name, stem(p), cols), p, t.name) for p, cols in files.items() for t in INPUT_TABLES),
                  key=lambda fit: (-fit[0], str(fit[1]), fit[2]))
    chosen: dict[Path, str] = {}
    for score, path, table in fits:
        if score >= 2.0 and path not in chosen and table not in chosen.values():
            chosen[path] = table
    return chosen
