"""Which contract table a file holds, from its name and its columns (a single file given as --data, init-mapping)."""
from __future__ import annotations

import difflib
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
    close = sum(1 for c in table.required_columns if difflib.get_close_matches(c, lower, n=1, cutoff=0.75))
    return named + 3.0 * telling + close / max(len(table.required_columns), 1)


def guess_table(path: Path, columns: list[str]) -> str | None:
    """The table a file most likely holds, or None when nothing fits."""
    scores = {t.name: table_score(t.name, stem(path), columns) for t in INPUT_TABLES}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 2.0 else None
