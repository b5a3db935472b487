"""Cached loaders shared by every page: one cache per stage, keyed on small values.

Stages: source (location + the Source's key, which changes with any file) -> checked data
-> metrics history (source, signals) -> scores (source, model). Moving a weight re-runs only
the last stage. Scores are read as slices of the results store (score_slice: the dates and
columns a page shows), never the whole history of every account at once.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from chs_app import sources
from chs_core.demo import refresh
from chs_core.demo import stamp as demo_stamp
from chs_core.errors import DataError, ModelError
from chs_core.kpis import cohorts as kpi_cohorts
from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model, load_model
from chs_core.outcomes import loop
from chs_core.outcomes.loop_report import LoopReport, alert_window_dates
from chs_core.outcomes.loop_report import loop_report as build_loop_report
from chs_core.pipeline import (
    CheckedSource,
    check_source,
    flagged_accounts,
    history_dates,
    metrics_with_accounts,
    point_in_time_metrics,
    scored_frame,
)
from chs_core.readiness.freshness import TableFreshness, table_freshness
from chs_core.settings import setting
from chs_core.sources import Source, source_for
from chs_core.sources.redact import redact

# (location, key, mapping): the key changes whenever the source would read differently (a file, the mapping, a
# database write), so caches never serve stale data. mapping is "" when the source is read without one.
SourceRef = tuple[str, str, str]


@st.cache_resource(show_spinner="Building the demo data (first run, or the demo generator changed; about 15 seconds)…")
def _build_demo(path: str, reason: str) -> str:
    """Once per path and reason in this process, however many sessions ask at the same time."""
    return str(refresh.rebuild(Path(path)))


def current_source() -> SourceRef:
    location, mapping = sources.data_location(), sources.mapping_location() or ""
    if sources.is_demo(location) and (reason := demo_stamp.rebuild_reason(location)):
        _build_demo(location, reason)
    try:
        return (location, source_for(location, mapping or None).key, mapping)
    except DataError:
        return (location, f"missing:{redact(location)}", mapping)


def source_of(ref: SourceRef) -> Source:
    """The Source a reference names (raises DataError when it cannot be made, e.g. a broken mapping)."""
    return source_for(ref[0], ref[2] or None)


def _shared(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A copy-on-write view of a frame cached as a resource: free to make, and whatever the caller changes in it is
    copied first (pandas 3), so the cached frame stays as it was."""
    return None if frame is None else frame.copy(deep=False)


def checked_source(ref: SourceRef) -> CheckedSource:
    """check_source for the reference, once per source in the process. Cached as a resource, not as data: pages
    ask for it several times per run, and cache_data would unpickle a copy of the clean ARR each time (2M rows
    at 100k accounts: about a second of every cold page)."""
    found = _checked_source(ref)
    return replace(found, accounts=_shared(found.accounts), arr=_shared(found.arr))


@st.cache_resource(show_spinner="Checking the data…", max_entries=setting("cache_entries_sources"))
def _checked_source(ref: SourceRef) -> CheckedSource:
    try:
        source = source_of(ref)
    except DataError as exc:
        where = redact(ref[0])
        return CheckedSource(where, where, tuple(exc.problems), {}, None, None, None, (), opened=False)
    return check_source(source)


def short_digest(text: str) -> str:
    """A 16-character stand-in for a long value (a model's repr, a list of ids) in a cache key: hashing it once per
    run is cheaper than letting every cached call hash the value itself."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@st.cache_data(show_spinner="Loading the model…", max_entries=4)
def _model(path: str, mtime: float) -> Model:
    return load_model(path)


def current_model() -> Model:
    """The model in use (raises ModelError with the key and a suggestion when model.yaml is invalid)."""
    path = sources.model_path()
    if not path.exists():
        raise ModelError(f"{path}: model file not found; set {sources.MODEL_ENV} to a model.yaml or restore model.yaml")
    return _model(str(path), path.stat().st_mtime)


def metrics_history(ref: SourceRef, settings: SignalSettings, as_of: date) -> pd.DataFrame:
    """Every account's metrics at every month end to as_of, with the account columns (results store first).

    Not cached here: its callers (the tuning page's history arrays, the weight suggestion) keep what they derive in
    cache_resource, and a pickled copy of 1.8M rows x 40 columns at 100k cost 2 s and a GB of server memory."""
    arr = checked_source(ref).arr
    with source_of(ref).open() as ds:
        return metrics_with_accounts(ds, history_dates(arr, as_of), settings)


def metric_columns_history(ref: SourceRef, settings: SignalSettings, as_of: date,
                           columns: tuple[str, ...]) -> pd.DataFrame:
    """metrics_history's as_of and these metric columns alone (the Data page's coverage): read from the results
    store without the account text, so 1.8M rows at 100k accounts are floats only."""
    return _shared(_metric_columns(ref, settings, as_of, columns))


@st.cache_resource(show_spinner="Reading metric coverage…", max_entries=setting("cache_entries_sources"))
def _metric_columns(ref: SourceRef, settings: SignalSettings, as_of: date, columns: tuple[str, ...]) -> pd.DataFrame:
    arr = checked_source(ref).arr
    with source_of(ref).open() as ds:
        return point_in_time_metrics(ds, history_dates(arr, as_of), settings, columns=["as_of", *columns])


# A resource for the same reason as _checked_source: pickling 100k-row slices into cache_data cost a second of
# the first page, and every page filters them into frames of its own.
@st.cache_resource(show_spinner="Reading scores…", max_entries=4 * setting("cache_entries_scores"))
def _score_slice(key: str, _ref: SourceRef, _model: Model, dates: tuple[date, ...],
                 columns: tuple[str, ...] | None) -> pd.DataFrame:
    wanted = None if columns is None else list(columns)
    with source_of(_ref).open() as ds:
        if dates:
            frame = scored_frame(ds, _model, list(dates), columns=wanted)
        else:  # no date asked for: the frame with no rows but its columns, so pages filter and count it as usual
            check = checked_source(_ref)
            first = history_dates(check.arr, check.default_as_of)[:1]
            frame = scored_frame(ds, _model, first, columns=wanted).iloc[:0].copy()
    return _for_pages(frame, dates_as_objects=columns is None)


def score_slice(ref: SourceRef, model: Model, model_key: str, dates: tuple[date, ...],
                columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Scores at a few dates of the history, read from the results store: what a page shows at an as-of date,
    without loading every account-month. model_key: short_digest(repr(model)).

    columns: only these, with as_of kept a timestamp (a million date objects cost seconds to make and to copy
    in and out of the cache); None: every column, as_of a date."""
    return _shared(_score_slice(f"{ref}|{model_key}", ref, model, tuple(sorted(dates)), columns))


@st.cache_data(show_spinner="Reading scores…", max_entries=4 * setting("cache_entries_scores"))
def _flagged(key: str, _ref: SourceRef, _model: Model, dates: tuple[date, ...]) -> list[str]:
    with source_of(_ref).open() as ds:
        return flagged_accounts(ds, _model, list(dates))


def flagged_at_risk(ref: SourceRef, model: Model, model_key: str, dates: tuple[date, ...]) -> list[str]:
    """Accounts flagged at risk at any of the dates (counted in the results store, not read into pandas)."""
    return _flagged(f"{ref}|{model_key}", ref, model, tuple(sorted(dates)))


def _for_pages(frame: pd.DataFrame, dates_as_objects: bool = True) -> pd.DataFrame:
    """Scores as pages use them: tier as plain text (easy to filter), as_of as a date (or a timestamp)."""
    if "tier" in frame:
        frame["tier"] = frame["tier"].astype(str)
    if "as_of" in frame:
        frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date if dates_as_objects else pd.to_datetime(frame["as_of"])
    return frame


@st.cache_data(show_spinner="Reading account start dates…", max_entries=setting("cache_entries_sources"))
def cohort_accounts(ref: SourceRef) -> pd.DataFrame:
    """Accounts with customer_since and acquisition_channel, for the cohorts page."""
    with source_of(ref).open() as ds:
        return kpi_cohorts.cohort_accounts(ds)


LOOP_COLUMNS = ("account_id", "as_of", "arr", "account_name", "segment", "csm", "health_score", "tier", "at_risk")


@st.cache_data(show_spinner="Following each flag to its first CSM touch…", max_entries=setting("cache_entries_scores"))
def loop_report(ref: SourceRef, model: Model, as_of: date, ids: tuple[str, ...] | None) -> LoopReport:
    """The closing-the-loop report: the score history to the default as-of date, plus the alert-window scores.

    Its inputs are read here, not through cached loaders: only the loop reads them, and keeping 2M score rows and
    every CSM activity in Streamlit's cache beside the report cost seconds of pickling and a GB of memory at 100k."""
    check = checked_source(ref)
    dates = history_dates(check.arr, check.default_as_of)
    # Only what the loop reads (flags, the account columns its tables show): a third of a score row, so the whole
    # history of 100k accounts fits; the alert-window scores need the score alone.
    columns = [*LOOP_COLUMNS, *(f"flag_{f.name}" for f in model.flags)]
    with source_of(ref).open() as ds:
        history = _for_pages(scored_frame(ds, model, dates, columns=columns), dates_as_objects=False)
        alert_scores = scored_frame(ds, model, alert_window_dates(dates, model.alert.within_days),
                                    columns=["account_id", "as_of", "health_score"])
        activities = loop.touch_activities(ds)
    return build_loop_report(history, alert_scores, activities, check.arr, model, as_of,
                             check.completeness.end_month, ids)


# --- CSM workspace: the work queue and one account at a time -------------------------------------------------
@st.cache_data(show_spinner="Building the work queue…", max_entries=setting("cache_entries_scores"))
def work_queue(ref: SourceRef, model: Model, as_of: date) -> pd.DataFrame:
    """The at-risk work queue on `as_of` (chs_core.workspace.queue_for), every account; pages filter it."""
    from chs_core.workspace import queue_for

    with source_of(ref).open() as ds:
        return queue_for(ds, model, as_of)


@st.cache_data(show_spinner="Reading date ranges…", max_entries=setting("cache_entries_sources"))
def table_freshness_of(ref: SourceRef, as_of: date | None) -> list[TableFreshness]:
    """Rows, first and latest date per table, and how far behind the as-of date (the Data page)."""
    try:
        with source_of(ref).open() as ds:
            return table_freshness(ds, as_of)
    except DataError:  # the page lists why the source cannot be opened
        return []
