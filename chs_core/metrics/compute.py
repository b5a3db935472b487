"""Per-account metrics as of one or many dates, computed set-based in DuckDB.

`compute_metrics(ds, as_of_dates)` returns one row per (account_id, as_of) for the
accounts that are customers at that date, with `ref_month`, `arr`, `seats`, every
metric in `metric_catalog.METRIC_NAMES` and every flag signal in `FLAG_SIGNALS`.

Customers and the reference month:
- The reference month of T is the latest month present in arr_monthly (over all
  accounts) that is <= T. An account is a customer at T when its ARR in that month
  is > 0; a missing row there means it is not. Before the first month: no rows.
- `seats` is arr_monthly.seats in the reference month, else accounts.licensed_seats.

Point in time: the row for T only reads data dated <= T. Windows are half-open and
include T: "last 28 days" is event_date in (T-28, T]. Tickets count from their
opening day; resolution hours and CSAT from their resolution day. An invoice paid
after T was unpaid at T; a contact who left after T was still there.

days_to_renewal: accounts.renewal_date is a current snapshot, so for a past T it
counts to the contract anniversary ahead of T, assuming annual contracts: the
smallest renewal_date - k whole years (k >= 0) that is >= T (Feb 29 falls on
Feb 28 in other years). 0 means the renewal falls on T itself; the day after, the
next anniversary is about 365 days away. A renewal_date before T is overdue and
stays negative (renewal_date - T).

Limitations: days_to_renewal is wrong for multi-year contracts or a renewal date
that moved (e.g. a co-termed upsell); customer_since is a current snapshot too;
contacts carry no start date, so a sponsor hired after T is counted at T.

NULL versus 0 (all metric columns are float, NULL is NaN):
- NULL when the source table was not supplied (`ds.present`), or a column the metric
  needs was not (`ds.columns`): arr_monthly.seats for seat_trend, tickets.escalated
  for escalations, contacts.user_id for exec_sponsor_active, contacts.left_date for
  champion_left_90d, nps_responses.respondent_role for dm_detractors_180d,
  csm_activities.outcome for missed renewal meetings, csm_activities.notes for
  keyword mentions, invoices.paid_date for days_past_due.
- NULL when the inputs are undefined: usage_trend with no events in the prior 28
  days; arr_trend / seat_trend with no ARR / seats 3 months before the reference
  month; ratios per seat with no seats; feature_breadth before any feature was
  seen; exec_sponsor_active for an account with no current executive sponsor with
  a user id; resolution_hours_90d with no ticket resolved in 90 days; csat_180d
  with no rated ticket resolved in 180 days; nps with no answer in 365 days;
  days_to_renewal with no renewal date.
- 0 when the table is present and nothing happened: counts (tickets, escalations,
  meetings, trainings, mentions, departures, detractors), days_past_due with no
  overdue invoice, active_user_ratio without usage, and key_feature_adoption /
  usage_depth for an account with no active user (it used nothing).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pandas as pd

from chs_core.contract import DECISION_MAKER_ROLES
from chs_core.metrics.catalog import FLAG_SIGNALS, METRIC_NAMES, SignalSettings
from chs_core.settings import setting
from chs_core.sources import Dataset

SQL_DIR = Path(__file__).parent / "sql"
# Per-source queries, each returning (account_id, as_of, its metric columns) per _base row.
SOURCES = ("usage", "tickets", "nps", "contacts", "activities", "invoices")
FLAG_NAMES: tuple[str, ...] = tuple(s.name for s in FLAG_SIGNALS)
OUTPUT_COLUMNS: tuple[str, ...] = (
    ("account_id", "as_of", "ref_month", "arr", "seats") + METRIC_NAMES + FLAG_NAMES)
_PARAM = re.compile(r"\$([a-z_0-9]+)")
_IN_SCOPE = re.compile(r"\b((?:[a-z]+\.)?account_id) IN \(SELECT account_id FROM _scope\)")
WINDOW_DAYS = 365  # the longest window any metric reads (NPS)


def month_end_dates(first: date, last: date) -> list[date]:
    """Month-end dates d with first <= d <= last, in order."""
    out: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        end = date(year, month, calendar.monthrange(year, month)[1])
        if first <= end <= last:
            out.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _params(ds: Dataset, settings: SignalSettings) -> dict[str, object]:
    """Every value the SQL binds: availability flags and the signal settings."""
    def has(table: str, column: str | None = None) -> bool:
        if table not in ds.present:
            return False
        return column is None or column in ds.columns.get(table, frozenset())

    return {
        "has_seats": has("arr_monthly", "seats"),
        "has_usage": has("usage_events"),
        "has_sponsor_ids": has("contacts", "user_id"),
        "has_tickets": has("tickets"),
        "has_escalated": has("tickets", "escalated"),
        "has_nps": has("nps_responses"),
        "has_roles": has("nps_responses", "respondent_role"),
        "has_contacts": has("contacts"),
        "has_left_date": has("contacts", "left_date"),
        "has_activities": has("csm_activities"),
        "has_outcome": has("csm_activities", "outcome"),
        "has_notes": has("csm_activities", "notes"),
        "has_invoices": has("invoices"),
        "has_paid_date": has("invoices", "paid_date"),
        "key_features": [f.lower() for f in settings.key_features],
        "competitor_keywords": list(settings.competitor_keywords),
        "budget_keywords": list(settings.budget_keywords),
        "dm_roles": list(DECISION_MAKER_ROLES),
    }


@cache
def _sql(name: str) -> str:
    """Text of chs_core/sql/<name>.sql (read once)."""
    return (SQL_DIR / f"{name}.sql").read_text()


def _query(scoped: bool) -> str:
    """One statement: as-of dates, their window days, customer base, each source's metrics, joined in OUTPUT_COLUMNS order.

    A single statement (not temp tables) because frames registered on ds.con are
    visible to that connection only, and it leaves nothing behind on the shared connection.
    _days holds (as_of, day, age) for every day of every as-of date's longest window (365 days), so
    each source joins its rows to the as-of dates by equality on the day, never by a range join.
    _scope is the accounts asked for (all that ever paid when none are named).
    """
    scope = ("SELECT DISTINCT unnest($account_ids::VARCHAR[]) AS account_id" if scoped
             else "SELECT DISTINCT account_id FROM arr_monthly WHERE arr > 0")
    sources = {s: _sql(s) for s in ("base", *SOURCES)}
    if scoped:  # a few accounts: filter by a bound list (DuckDB would join an IN (subquery) only after the day
        # join, over every account's rows) and read their few events once instead of once per use
        sources = {s: _IN_SCOPE.sub(r"list_contains($account_ids::VARCHAR[], \1)", q).replace(
            "AS NOT MATERIALIZED", "AS MATERIALIZED") for s, q in sources.items()}
    ctes = ["_asof AS MATERIALIZED (SELECT DISTINCT unnest($as_of_dates::DATE[]) AS as_of)",
            "_days AS MATERIALIZED (SELECT a.as_of, CAST(a.as_of - r.age AS DATE) AS day, r.age "
            f"FROM _asof a, (SELECT CAST(range AS INTEGER) AS age FROM range(0, {WINDOW_DAYS})) r)",
            f"_scope AS MATERIALIZED ({scope})",
            f"_base AS MATERIALIZED (\n{sources['base']}\n)"]
    ctes += [f"_m_{s} AS (\n{sources[s]}\n)" for s in SOURCES]
    joins = "\n".join(f"JOIN _m_{s} USING (account_id, as_of)" for s in SOURCES)
    cols = ", ".join(f'"{c}"' for c in OUTPUT_COLUMNS)
    return f"WITH {', '.join(ctes)}\nSELECT {cols} FROM _base\n{joins}\nORDER BY as_of, account_id"


def _bounds(dates: list[date]) -> dict[str, date]:
    """The earliest day each window length can reach ($lo_N: exclusive) and the last as-of date ($hi)."""
    out: dict[str, date] = {"hi": dates[-1]}
    for days in (0, 56, 90, 180, 365):
        out[f"lo_{days}"] = dates[0] - timedelta(days=days)
    return out


def compute_metrics(ds: Dataset, as_of_dates: Sequence[date],
                    settings: SignalSettings = SignalSettings(),
                    account_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Metrics per customer account and as-of date, in one set-based pass per source.

    Returns columns OUTPUT_COLUMNS: account_id, as_of and ref_month (datetime64),
    arr, seats, then every METRIC_NAMES and FLAG_SIGNALS name as float (NaN = missing).
    Sorted by as_of, account_id. `account_ids` limits the rows to those accounts (bound as values; the
    filter reaches every table scan). Each row equals that account's row in the full run: the reference
    month and the feature catalogue stay computed over every account.
    """
    dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
    ids = None if account_ids is None else sorted({str(a) for a in account_ids})
    step = _dates_per_query(ds, len(dates), ids)
    batches = [dates[i:i + step] for i in range(0, len(dates), step)] or [[]]
    frames = [_compute_batch(ds, batch, settings, ids) for batch in batches]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for col in ("as_of", "ref_month"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame.reset_index(drop=True)


def _dates_per_query(ds: Dataset, n_dates: int, ids: list[str] | None) -> int:
    """metrics_batch_dates for the whole book. A query's memory grows with its account-dates, so a run scoped to
    a few accounts takes as many dates per query as make the same account-dates over the whole book: one
    account's daily history (~140 dates) is one query, not 35 (each query has a fixed cost of ~0.2 s)."""
    step = max(1, int(setting("metrics_batch_dates")))
    if ids is None or n_dates <= step:
        return step
    book = int(ds.scalar("SELECT count(DISTINCT account_id) FROM arr_monthly") or 0)
    return max(step, step * book // max(1, len(ids)))


def _compute_batch(ds: Dataset, dates: list[date], settings: SignalSettings, ids: list[str] | None) -> pd.DataFrame:
    """One statement for a batch of as-of dates (metrics_batch_dates of them at most).

    Batches bound memory: the per-(as-of, account, user) step holds the active users of the batch's dates
    only. Each row depends on its own as-of date alone (the feature catalogue counts features first seen by
    that date), so batches give exactly the rows of one statement over every date.
    """
    params = _params(ds, settings)
    params["as_of_dates"] = dates
    params.update(_bounds(dates or [date(1970, 1, 1)]))  # no date: no rows, the same columns and types
    if ids is not None:
        params["account_ids"] = ids
    sql = _query(ids is not None)
    return ds.df(sql, {k: params[k] for k in set(_PARAM.findall(sql))})

