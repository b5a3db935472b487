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
