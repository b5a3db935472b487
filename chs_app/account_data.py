"""The account page's cached loaders and figures: one account at a time, keyed on small values.

Everything the page shows is computed on demand for that one account (the account filter is pushed into the
metric SQL) and cached per (source, model, account, dates), so opening the same account again only copies a
few kilobytes and draws. Chart options (ECharts dicts) are cached as objects (st.cache_resource): built once per
account and dates. They are never changed after building (st.echarts_chart copies before it normalises), so
sharing them is safe.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from chs_app import data
from chs_app.charts import account as charts
from chs_app.data import SourceRef
from chs_core.model import Model
from chs_core.pipeline import history_dates
from chs_core.workspace import Change, Explanation, explain, explain_change
from chs_core.workspace.evidence import Evidence
from chs_core.workspace.words import rounded_to_total

ENTRIES = 64  # accounts x dates kept per loader


@dataclass(frozen=True)
class Account:
    """The account a page shows, with a short cache key built once per run: hashing the model on every cached
    call would cost more than most of what the cache saves. Loaders take it as `_a` (not hashed) beside `key`."""

    ref: SourceRef
    model: Model
    account_id: str
    key: str

    @classmethod
    def of(cls, ref: SourceRef, model: Model, account_id: str) -> Account:
        digest = data.short_digest(repr(model))
        return cls(ref, model, str(account_id), f"{ref}|{digest}|{account_id}")


def first_date(ref: SourceRef, as_of: date) -> date:
    """The first date of the score history (the account page's earliest as-of and compare date)."""
    return history_dates(data.checked_source(ref).arr, as_of)[0]


@st.cache_data(show_spinner="Computing this account's history…", max_entries=ENTRIES)
def account_metrics(key: str, as_of: date, _a: Account) -> pd.DataFrame:
    """The account's metrics on the history grid up to `as_of` (daily for 8 weeks, weekly before)."""
    from chs_core.workspace.history import account_metrics as compute
    from chs_core.workspace.history import history_grid

    with data.source_of(_a.ref).open() as ds:
        return compute(ds, _a.model, _a.account_id, history_grid(first_date(_a.ref, as_of), as_of))


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _metrics_on(key: str, day: date, _a: Account) -> pd.DataFrame:
    from chs_core.workspace.history import account_metrics as compute

    with data.source_of(_a.ref).open() as ds:
        return compute(ds, _a.model, _a.account_id, [day])


def metrics_pair(a: Account, since: date, as_of: date) -> pd.DataFrame:
    """The account's metric rows on `since` and `as_of` (from the history grid when `since` is on it)."""
    grid = account_metrics(a.key, as_of, a)
    days = pd.to_datetime(grid["as_of"]).dt.date
    pair = grid[days.isin({since, as_of})]
    if since not in set(days):
        pair = pd.concat([_metrics_on(a.key, since, a), pair], ignore_index=True)
    return pair.reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def explanation(key: str, as_of: date, _a: Account) -> Explanation | None:
    return explain(account_metrics(key, as_of, _a), _a.model, _a.account_id, as_of)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def change(key: str, since: date, as_of: date, _a: Account) -> Change:
    return explain_change(metrics_pair(_a, since, as_of), _a.model, _a.account_id, since, as_of)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def history(key: str, as_of: date, _a: Account) -> pd.DataFrame:
    """Scored history with tier, coverage and score-drop alerts (chs_core.workspace.history.score_history)."""
    from chs_core.workspace.history import score_history

    return score_history(account_metrics(key, as_of, _a), _a.model)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def evidence(key: str, as_of: date, _a: Account) -> Evidence:
    """The evidence tables behind the account's metrics on `as_of`."""
    from chs_core.workspace.evidence import account_evidence

    with data.source_of(_a.ref).open() as ds:
        return account_evidence(ds, _a.account_id, as_of, _a.model.signals)


# --- chart options (built once per account and dates) ----------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=ENTRIES)
def waterfall_chart(key: str, as_of: date, _a: Account) -> dict:
    e = explanation(key, as_of, _a)
    shown = rounded_to_total(e.waterfall["points"].to_numpy())
    return charts.waterfall_option(list(e.waterfall["label"]), shown, round(e.score, 1))


@st.cache_resource(show_spinner=False, max_entries=ENTRIES)
def history_chart(key: str, since: date, as_of: date, _a: Account) -> dict:
    tiers = [(t.name, t.min_score, t.color) for t in _a.model.tiers]
    return charts.history_option(history(key, as_of, _a), tiers, (since, as_of), _a.model.at_risk_below)


@st.cache_resource(show_spinner=False, max_entries=ENTRIES)
def usage_chart(key: str, as_of: date, _a: Account) -> dict:
    return charts.usage_option(evidence(key, as_of, _a).usage)


@st.cache_resource(show_spinner=False, max_entries=ENTRIES)
def arr_chart(key: str, as_of: date, _a: Account) -> dict:
    return charts.arr_option(evidence(key, as_of, _a).arr)
