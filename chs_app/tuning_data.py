"""Cached loaders of the tuning page: the history as arrays (once per source), published figures, suggestions.

cache_resource, not cache_data: the arrays are large and only read, so every rerun shares one copy
instead of unpickling one (that copy would cost more than the rescoring itself).
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from chs_app import data
from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model
from chs_core.settings import setting
from chs_core.tuning import suggest_weights
from chs_core.tuning.live import Figures, History, Rescored, figures, prepare_history, rescore
from chs_core.tuning.live import auc_change as live_auc_change


@st.cache_resource(show_spinner="Preparing the point-in-time history for live rescoring…",
                   max_entries=setting("cache_entries_sources"))
def history(ref: data.SourceRef, signals: SignalSettings, as_of: date, horizon: int, end_month: date) -> History:
    metrics = data.metrics_history(ref, signals, as_of)
    return prepare_history(metrics, data.checked_source(ref).arr, horizon, end_month)


@st.cache_resource(max_entries=setting("cache_entries_scores"))
def judged(ref: data.SourceRef, model: Model, as_of: date, horizon: int, end_month: date) -> tuple[Rescored, Figures]:
    """Rescored history and figures of one model (the published one, or a draft seen before)."""
    h = history(ref, model.signals, as_of, horizon, end_month)
    r = rescore(h, model)
    return r, figures(h, r)


@st.cache_resource(max_entries=setting("cache_entries_scores"))
def interval_figures(ref: data.SourceRef, model: Model, as_of: date, horizon: int, end_month: date) -> Figures:
    """The same figures with bootstrap intervals (seconds, so only on request)."""
    h = history(ref, model.signals, as_of, horizon, end_month)
    return figures(h, judged(ref, model, as_of, horizon, end_month)[0], setting("backtest_bootstrap_samples"))


@st.cache_resource(max_entries=setting("cache_entries_scores"))
def auc_change(ref: data.SourceRef, published: Model, draft: Model, as_of: date, horizon: int,
               end_month: date) -> tuple[float | None, tuple[float, float] | None]:
    """Draft AUC minus published AUC, with its paired clustered-bootstrap interval (seconds, so on request)."""
    h = history(ref, published.signals, as_of, horizon, end_month)
    return live_auc_change(h, judged(ref, published, as_of, horizon, end_month)[0],
                           judged(ref, draft, as_of, horizon, end_month)[0], setting("backtest_bootstrap_samples"))


@st.cache_resource(show_spinner="Fitting weights on earlier dates and testing them on later ones…", max_entries=4)
def suggestion(ref: data.SourceRef, model: Model, as_of: date, horizon: int, end_month: date):
    metrics = data.metrics_history(ref, model.signals, as_of)
    return suggest_weights(metrics, data.checked_source(ref).arr, model, horizon, end_month, samples=100)
