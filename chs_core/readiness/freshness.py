"""Per table: rows, first and latest date, and how far the latest row lies behind the as-of date (stale data)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.sources.sql import quote_identifier

QUERIES = Path(__file__).with_name("queries")
# The date that says how current each table is (accounts has none: it is a list, not a history).
DATE_COLUMNS = {"arr_monthly": "month", "subscriptions": "start_date", "usage_events": "event_date",
                "tickets": "opened_at", "nps_responses": "responded_at", "csm_activities": "activity_date",
                "invoices": "due_date", "contacts": "left_date"}


@dataclass(frozen=True)
class TableFreshness:
    table: str
    rows: int
    first: date | None
    latest: date | None
    days_behind: int | None  # as-of date minus the latest date (negative: rows after the as-of date)
    stale: bool
    derived: str = ""  # how the table was derived, when it was not supplied


def _latest(table: str, latest: date | None) -> date | None:
    """arr_monthly holds months: its latest month is covered up to that month's last day."""
    if latest is None or table != "arr_monthly":
        return latest
    nxt = date(latest.year + latest.month // 12, latest.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def table_freshness(ds: Dataset, as_of: date | None) -> list[TableFreshness]:
    """Every supplied (or derived) table with a date, in contract order; stale when further behind than stale_days."""
    limit = setting("stale_days")
    out = []
    for table, column in DATE_COLUMNS.items():
        if not ds.has(table) or (table == "contacts"):
            continue
        text = (QUERIES / "date_range.sql").read_text().format(table=quote_identifier(table),
                                                               column=quote_identifier(column))
        rows, first, latest = ds.rows(text)[0]
        latest = _latest(table, latest)
        behind = (as_of - latest).days if as_of and latest else None
        out.append(TableFreshness(table, int(rows), first, latest, behind,
                                  behind is not None and behind > limit, ds.derived.get(table, "")))
    return out
