"""Cached figures of the executive page, one cache per section keyed on only the controls it depends on.

A control change recomputes only what it touches: the period kind moves the cards, the bridge and the GRR/NRR
trend; the as-of date and the filters move everything; the tier-outcome section ignores the period. Each entry
is a small summary, so a warm rerun copies kilobytes, not the scored history.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from chs_app import data
from chs_app.format import count, pct
from chs_app.links import with_account_links
from chs_core.kpis.benchmarks import quality_targets
from chs_core.kpis.bridge_health import last_paid_month_end, movement_health
from chs_core.kpis.executive import ExecutiveSummary, executive_summary, health_history, scores_on
from chs_core.kpis.periods import month_end, previous_period, resolve_period
from chs_core.kpis.retention import arr_movements
from chs_core.kpis.retention import retention_trend as _retention_trend
from chs_core.model import Model
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.outcomes.drop_reasons import drop_reasons
from chs_core.outcomes.lift import OutcomeSummary, tier_lift
from chs_core.pipeline import history_dates
from chs_core.selection import only_accounts
from chs_core.settings import setting

HORIZON_MONTHS = setting("backtest_horizon_months")  # "churned or contracted within 90 days"
ENTRIES = 64  # control combinations kept per section


@dataclass(frozen=True)
class View:
    """What the executive page shows: source, model, period kind, end month, last complete month, filtered ids.

    Cache keys are short strings built once per run (hashing the model and 2,000 ids on every cached call
    would cost more than the figures it saves).
    """

    ref: data.SourceRef
    model: Model
    kind: str
    end_month: date
    complete_month: date  # the last complete ARR month (a partial last month is never judged or trended)
    ids: tuple[str, ...] | None  # None: every account
    model_key: str = ""
    ids_key: str = ""

    @classmethod
    def of(cls, ref, model: Model, kind: str, end_month: date, complete_month: date, ids) -> View:
        ids = None if ids is None else tuple(ids)
        return cls(ref, model, kind, end_month, complete_month, ids, data.short_digest(repr(model)),
                   "all" if ids is None else data.short_digest("\n".join(ids)))

    @property
    def period(self):
        return resolve_period(self.kind, self.end_month)

    @property
    def as_of(self) -> date:
        return month_end(self.end_month)

    @property
    def as_of_key(self) -> str:
        """Everything but the period kind: what the health sections depend on."""
        return f"{self.ref}|{self.model_key}|{self.end_month}|{self.complete_month}|{self.ids_key}"

    @property
    def period_key(self) -> str:
        return f"{self.as_of_key}|{self.kind}"


def source_ref() -> data.SourceRef:
    return data.current_source()


# The columns the bridge, the trends and the tier outcomes read from the history: a tenth of a score row.
HISTORY_COLUMNS = ("account_id", "as_of", "arr", "segment", "health_score", "tier", "at_risk")
# What the score-drop alert table shows and its reasons read (with each component's score): not all ~50 columns.
ALERT_COLUMNS = ("account_id", "as_of", "account_name", "segment", "csm", "arr", "health_score", "tier", "flags")
# What the health tab and the breakdowns read at the as-of date (by segment, region, CSM; coverage).
NOW_COLUMNS = ("account_id", "as_of", "arr", "account_name", "segment", "region", "csm", "health_score", "tier",
               "at_risk", "coverage")


def _history_dates(view: View) -> list[date]:
    """The month ends the page's score history holds (warm-up months left out), to the later of the as-of month and
    the last complete month."""
    return history_dates(_arr(view.ref), month_end(max(view.end_month, view.complete_month)))


def _history(view: View, dates=None, columns: tuple[str, ...] | None = HISTORY_COLUMNS) -> pd.DataFrame:
    """The scored history at `dates` (None: every date to the as-of date) that are in the history, read from the
    results store; a date outside the history (a warm-up month) has no rows, as in the whole history."""
    known = _history_dates(view)
    wanted = [d for d in known if d <= view.as_of] if dates is None else sorted(set(dates) & set(known))
    return data.score_slice(view.ref, view.model, view.model_key, tuple(wanted), columns)


def _arr(ref: data.SourceRef) -> pd.DataFrame:
    return data.checked_source(ref).arr


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _summary(key: str, _view: View) -> ExecutiveSummary:
    dates = (_view.as_of, month_end(previous_period(_view.period).end))  # the two dates the summary reads
    return executive_summary(_arr(_view.ref), _history(_view, dates), _view.period, _view.model.tier_names(), _view.ids)


def summary(view: View) -> ExecutiveSummary:
    return _summary(view.period_key, view)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _scores_on(key: str, _view: View) -> pd.DataFrame:
    return only_accounts(scores_on(_history(_view, (_view.as_of,), NOW_COLUMNS), _view.as_of),
                         _view.ids).reset_index(drop=True)


def scores_now(view: View) -> pd.DataFrame:
    """Scores of the filtered accounts at the as-of date (the period kind does not matter)."""
    return _scores_on(view.as_of_key, view)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _bridge_health(key: str, _view: View) -> pd.DataFrame:
    period = _view.period
    movements = arr_movements(_arr(_view.ref), period.start, period.end, _view.ids)
    movements = movements[movements["movement"] != "flat"]  # no bar lists them: most of 100k accounts, kept out of the cache
    start, end = month_end(period.start), month_end(period.end)  # flagged before: a month end start <= as_of < end
    at_start = _history(_view, [start], ("account_id", "as_of", "health_score", "tier", "at_risk"))
    window = tuple(d for d in _history_dates(_view) if start <= d < end)
    flagged = data.flagged_at_risk(_view.ref, _view.model, _view.model_key, window)
    out = movement_health(movements, at_start, period, flagged)
    # The date each account's page opens at: a churned account's last paid month end, else the period end.
    last_paid = last_paid_month_end(_arr(_view.ref), out.loc[out["movement"] == "churn", "account_id"], period)
    return out.assign(link_as_of=[last_paid.get(a, end) if m == "churn" else end
                                  for a, m in zip(out["account_id"].astype(str), out["movement"])])


def bridge_health(view: View) -> pd.DataFrame:
    """The bridge's accounts with their score and tier at the period start and whether they were flagged before."""
    return _bridge_health(view.period_key, view)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _drop_alerts(key: str, _view: View) -> pd.DataFrame:
    model, as_of = _view.model, _view.as_of
    columns = (*ALERT_COLUMNS, *(f"component_score_{c.name}" for c in model.components))  # the reasons read these
    scored = data.score_slice(_view.ref, model, _view.model_key, tuple(alert_dates(as_of, model.alert)), columns)
    fired = only_accounts(score_drops(scored, as_of, model.alert), _view.ids).reset_index(drop=True)
    before = scored[pd.to_datetime(scored["as_of"]).dt.date == alert_dates(as_of, model.alert)[0]]
    # Each account's page compares the as-of date with the start of the drop window: the drop and what caused it.
    # Built here, once per as-of date: thousands of alerts at 100k accounts would cost a rerun half a second.
    since = as_of - timedelta(days=model.alert.within_days)
    return with_account_links(fired.assign(reason=drop_reasons(fired, before, model)), as_of, since=since)


def drop_alerts(view: View) -> pd.DataFrame:
    return _drop_alerts(view.as_of_key, view)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _tier_outcomes(key: str, _view: View) -> tuple[pd.DataFrame, OutcomeSummary]:
    history = only_accounts(_history(_view), _view.ids)
    return tier_lift(history, _arr(_view.ref), _view.model, HORIZON_MONTHS, min(_view.end_month, _view.complete_month))


def tier_outcomes(view: View) -> tuple[pd.DataFrame, OutcomeSummary]:
    """Per-tier outcomes with lift, and the pooled summary, over every as-of date judged by the as-of date."""
    return _tier_outcomes(view.as_of_key, view)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _trend(key: str, _view: View) -> pd.DataFrame:
    return _retention_trend(_arr(_view.ref), _view.kind, account_ids=_view.ids, through=_view.complete_month)


def retention_trend(view: View) -> pd.DataFrame:
    """GRR/NRR per period of the chosen kind, ending at the as-of month and never in a partial month. Each period
    is resolved from its own end month, so the trend is built once to the last complete month (a 2M-row pivot at
    100k accounts) and an earlier as-of date shows its first rows."""
    trend = _trend(f"{view.ref}|{view.kind}|{view.complete_month}|{view.ids_key}", view)
    return trend[trend["end"] <= min(view.end_month, view.complete_month)].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=ENTRIES)
def _health_trend(key: str, _view: View) -> pd.DataFrame:
    trend = health_history(_history(_view, _history_dates(_view)), _view.ids)
    return trend.assign(as_of=pd.to_datetime(trend["as_of"]).dt.date)  # 23 rows: dates, as the charts had them


def health_trend(view: View) -> pd.DataFrame:
    """Health per as-of date up to the view's. A date's row depends on that date's scores alone, so the trend is
    built once over every date of the history and an earlier as-of date shows its first rows (at 100k accounts,
    no second read of 1.8M scores)."""
    dates = _history_dates(view)
    trend = _health_trend(f"{view.ref}|{view.model_key}|{view.ids_key}|{dates[-1] if dates else None}", view)
    return trend[trend["as_of"] <= view.as_of].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=4 * ENTRIES)
def _table(name: str, key: str, _build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return _build()


def table(name: str, key: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A section's table built once per (name, key): merges and group-bys are not redone on a warm rerun."""
    return _table(name, key, build)


@st.cache_data(show_spinner=False, max_entries=4 * ENTRIES)
def _figure(name: str, key: str, _build: Callable[[], go.Figure]) -> dict:
    return _build().to_dict()


def figure(name: str, key: str, build: Callable[[], go.Figure]) -> go.Figure:
    """A chart built and validated once per (name, key), kept as a plain dict and rebuilt without validation:
    a warm rerun skips plotly's validators (about 0.1 s a chart on the demo)."""
    return go.Figure(_figure(name, key, build), _validate=False)


def no_scores_message(unscored: int, coverage: float | None, model: Model, missing: list[str]) -> str:
    """Why no account has a health score, and what to supply."""
    only_arr = len(missing) == 6
    supply = ", ".join(missing) if missing else "fuller optional tables (fewer empty values)"
    return (f"None of the {count(unscored, 'account')} has enough data for a health score: on average "
            f"{pct(coverage or 0.0, 0)} of the model's weight had data, below its min_coverage of "
            f"{pct(model.min_coverage, 0)}."
            + (" Only accounts and arr_monthly are supplied, so only the ARR and tenure metrics exist." if only_arr else "")
            + f" Supply {supply} (see the Data page for the contract).")


SHORT_NO_SCORES = "No health scores to show: no account has enough data for one (the Health and alerts tab says what to supply)."


def no_scores_reason(view: View, missing: list[str]) -> str | None:
    """Why no account has a health score at the as-of date (thin data), or None when some are scored."""
    h = summary(view).health
    if h is not None and h.accounts_scored > 0:
        return None
    scores = scores_now(view)
    coverage = float(scores["coverage"].mean()) if len(scores) else None
    return no_scores_message(h.accounts_unscored if h else 0, coverage, view.model, missing)


def targets() -> dict:
    return quality_targets()
