"""The evidence behind one account's metrics on a date: usage by feature, tickets, NPS, contacts, CSM activities,
ARR and seats, invoices. Point in time: rows dated after the as-of date are left out (a later departure, payment
or resolution was not known yet)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from chs_core.metrics.catalog import SignalSettings
from chs_core.sources import Dataset
from chs_core.workspace import sql


@dataclass(frozen=True)
class Evidence:
    usage: pd.DataFrame  # week, feature, active_users, events (last 26 weeks)
    tickets: pd.DataFrame  # ticket_id, opened, priority, escalated, resolution_hours, csat, status (last year)
    nps: pd.DataFrame  # responded_at, score, respondent_role, kind (last two years)
    contacts: pd.DataFrame  # contact_name, role, champion, sponsor, left_date
    activities: pd.DataFrame  # activity_date, activity_type, outcome, notes, competitor, budget (last year)
    arr: pd.DataFrame  # month, arr, seats
    invoices: pd.DataFrame  # invoice_id, due_date, paid_date, amount, days_past_due (last two years)
    supplied: frozenset[str]  # tables the source supplied (an empty frame from an absent table says "not supplied")


def account_evidence(ds: Dataset, account_id: str, as_of: date, signals: SignalSettings = SignalSettings()) -> Evidence:
    params = {"account": str(account_id), "as_of": as_of}
    keywords = {"competitor_keywords": list(signals.competitor_keywords),
                "budget_keywords": list(signals.budget_keywords)}
    return Evidence(
        usage=ds.df(sql.USAGE_BY_WEEK, params), tickets=ds.df(sql.TICKETS, params), nps=ds.df(sql.NPS, params),
        contacts=ds.df(sql.CONTACTS, params), activities=ds.df(sql.ACTIVITIES, params | keywords),
        arr=ds.df(sql.ARR_BY_MONTH, params), invoices=ds.df(sql.INVOICES, params), supplied=ds.present)


def events_between(ev: Evidence, start: date, end: date) -> pd.DataFrame:
    """What happened in (start, end], newest first: departures, urgent or escalated tickets, detractor answers,
    CSM activities (held trainings and meetings, missed ones, notes with a mention), ARR or seat changes.

    The account page shows it beside the change in points, so a drop reads with its cause (the admin left).
    """
    rows: list[tuple[date, str, str]] = []

    def within(d) -> bool:
        return not pd.isna(d) and start < pd.Timestamp(d).date() <= end

    for c in ev.contacts.itertuples():
        if within(c.left_date):
            who = "champion" if c.champion else c.role.replace("_", " ")
            rows.append((pd.Timestamp(c.left_date).date(), "contact", f"{c.contact_name or 'A contact'} ({who}) left"))
    for t in ev.tickets.itertuples():
        if within(t.opened) and (t.priority in ("P0", "P1") or t.escalated):
            rows.append((pd.Timestamp(t.opened).date(), "ticket",
                         f"{t.priority} ticket{' escalated' if t.escalated else ''} ({t.status})"))
    for n in ev.nps.itertuples():
        if within(n.responded_at) and n.kind == "detractor":
            rows.append((pd.Timestamp(n.responded_at).date(), "nps", f"NPS {n.score} from {n.respondent_role or 'a user'}"))
    for a in ev.activities.itertuples():
        mention = [w for w, hit in (("competitor", a.competitor), ("budget", a.budget)) if _true(hit)]
        if within(a.activity_date) and (a.activity_type != "note" or mention):
            what = f"{a.activity_type.replace('_', ' ')} {a.outcome}" + (f" (mentions {', '.join(mention)})"
                                                                        if mention else "")
            rows.append((pd.Timestamp(a.activity_date).date(), "activity", what))
    arr = ev.arr.sort_values("month")
    for prev, cur in zip(arr.itertuples(), arr.iloc[1:].itertuples()):
        if within(cur.month) and (_differ(cur.arr, prev.arr) or _differ(cur.seats, prev.seats)):
            rows.append((pd.Timestamp(cur.month).date(), "arr", f"ARR {prev.arr:,.0f} -> {cur.arr:,.0f}, seats "
                                                                f"{prev.seats} -> {cur.seats}"))
    out = pd.DataFrame(rows, columns=["date", "kind", "what"])
    return out.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def _true(value) -> bool:
    """A flag that may be NULL (no notes: no mention)."""
    return not pd.isna(value) and bool(value)


def _differ(a, b) -> bool:
    """Two values that may be missing (a source without seats): a change only between two known values."""
    return not (pd.isna(a) or pd.isna(b)) and a != b
