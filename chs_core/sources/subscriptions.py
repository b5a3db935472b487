"""Monthly ARR (and, when absent, accounts) derived from a `subscriptions` table, by one stated rule.

The rule (README "Use your own data", docs/own_data.md):
- A subscription is paid from `start_date` up to, not including, `end_date` (exclusive, as Stripe and dbt write it).
  With `end_date: inclusive` in the mapping, `end_date` is the last day paid (as CRM contracts often write it).
  An empty `end_date` means still active.
- The ARR of a month is the sum, per account, of the subscriptions active on the month's **last day** (the
  month-end snapshot, as MRR reports give it). So an upgrade on the 15th counts at its new price from that month on,
  never both prices; a subscription cancelled part-way through a month is not in that month (its last month is the
  one before); overlapping subscriptions of one account are summed; a gap between periods is churn and a later
  period is a reactivation.
- ARR is `arr` when given, else `mrr` x 12 (the mapping's `mrr_to_arr` changes the factor). Subscriptions with
  status trial or paused carry no ARR; `quantity` summed gives the month's seats.
- Months run from the first start to the export's last day: the mapping's `through`, else the latest start date or
  the day before the latest end date, whichever is later, but never after today (a future end is only scheduled).
- accounts, when not supplied, are the account ids of the derived ARR: the id as the name, one segment
  (`DERIVED_SEGMENT`), the latest month's seats as licensed seats (1 when no quantity is given).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from chs_core.contract import TABLES_BY_NAME
from chs_core.sources import sql

QUERIES = Path(__file__).with_name("queries")
DERIVED_SEGMENT = "Unsegmented"


@dataclass(frozen=True)
class SubscriptionRule:
    """How a subscriptions table becomes monthly ARR (the mapping file can change each part)."""

    end_inclusive: bool = False
    mrr_to_arr: float = 12.0
    through: date | None = None


def _query(name: str, **names: str) -> str:
    text = (QUERIES / f"{name}.sql").read_text()
    return text.format(**names) if names else text


def _swap_in(con: duckdb.DuckDBPyConnection, name: str, derived: str) -> frozenset[str]:
    """Replace the empty contract view `name` by one over the derived table; return its columns."""
    table = TABLES_BY_NAME[name]
    con.execute(_query("drop_view", view=sql.quote_identifier(name)))
    con.execute(sql.drop_raw_sql(table))
    con.execute(sql.probe_raw_sql(table, sql.quote_identifier(derived)))
    columns = frozenset(c for c in table.column_names
                        if c in {r[0] for r in con.execute(sql.describe_sql(sql.raw_name(table))).fetchall()})
    con.execute(sql.typed_view_sql(table, columns))
    return columns


def last_day_covered(con: duckdb.DuckDBPyConnection, rule: SubscriptionRule, today: date | None = None) -> date | None:
    if rule.through is not None:
        return rule.through
    row = con.execute(_query("latest_subscription_day"),
                      {"today": today or date.today(), "inclusive": rule.end_inclusive}).fetchall()
    return row[0][0] if row else None


def derive_from_subscriptions(con: duckdb.DuckDBPyConnection, columns: dict[str, frozenset[str]],
                              rule: SubscriptionRule | None = None) -> dict[str, str]:
    """Derive arr_monthly (and accounts) from subscriptions when they were not supplied; return table -> how.

    `columns` (supplied columns per table) gains the derived tables, so they count as present.
    """
    if "subscriptions" not in columns or "arr_monthly" in columns:
        return {}
    supplied = columns["subscriptions"]
    if not {"account_id", "start_date"} <= supplied or not supplied & {"mrr", "arr"}:
        return {}  # validation names the missing columns; nothing sound can be derived
    rule = rule or SubscriptionRule()
    through = last_day_covered(con, rule)
    if through is None:
        return {}
    con.execute(_query("arr_from_subscriptions"),
                {"inclusive": rule.end_inclusive, "factor": rule.mrr_to_arr, "through": through})
    # Seats only when the subscriptions gave a quantity: otherwise the seat trend would count as data.
    columns["arr_monthly"] = _swap_in(con, "arr_monthly", "derived_arr_monthly") - (
        frozenset() if "quantity" in supplied else {"seats"})
    amount = "arr" if "arr" in supplied else f"mrr x {rule.mrr_to_arr:g}"
    ends = "end_date is the last day paid" if rule.end_inclusive else "end_date is the first day no longer paid"
    derived = {"arr_monthly": (
        f"derived from subscriptions: ARR of each month = {amount} of the subscriptions active on its last day, "
        f"summed per account ({ends}; months through {through:%Y-%m-%d})")}
    if "accounts" not in columns:
        con.execute(_query("accounts_from_arr"), {"segment": DERIVED_SEGMENT})
        columns["accounts"] = _swap_in(con, "accounts", "derived_accounts")
        seats = "the latest month's seats" if "quantity" in supplied else "1 (no quantity was given)"
        derived["accounts"] = (f"derived from subscriptions: account ids as names, one segment ({DERIVED_SEGMENT}), "
                               f"licensed seats {seats}; supply accounts for names, segments, CSMs and renewal dates")
    return derived
