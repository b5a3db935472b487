"""Cached loaders shared by every page: one cache per stage, keyed on small values.

Stages: source (path + mtime) -> checked tables -> metrics history (source, signals)
-> scored history (source, model). Moving a weight re-runs only the last stage.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from chs_app import sources
from chs_core.errors import DataError, ModelError, Problem
from chs_core.kpis.periods import CompletenessCheck, arr_frame, data_months, last_complete_month, month_end
from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model, load_model, signal_settings
from chs_core.pipeline import accounts_frame, history_dates, metrics_with_accounts, score_dates
from chs_core.scoring.score import score_frame
from chs_core.sources.loading import open_dataset
from chs_core.validation.checks import errors_only, validate_dataset

SourceKey = tuple[str, float]


@dataclass(frozen=True)
class CheckedSource:
    """What the pages need from a data source before any scoring."""

    key: SourceKey
    problems: tuple[Problem, ...]
    tables: dict[str, int]  # supplied table -> rows
    accounts: pd.DataFrame | None  # None when the source has errors
    arr: pd.DataFrame | None
    completeness: CompletenessCheck | None
    months: tuple[date, ...]

    @property
    def errors(self) -> list[Problem]:
        return errors_only(list(self.problems))

    @property
    def usable(self) -> bool:
        return not self.errors

    @property
    def as_of(self) -> date | None:
        """Default as-of date: the end of the last complete month."""
        return month_end(self.completeness.end_month) if self.completeness and self.completeness.end_month else None


@st.cache_resource(show_spinner="Building the demo data (first run only, about 15 seconds)…")
def _build_demo(path: str) -> str:
    from chs_core.demo.build import build_demo_database

    return str(build_demo_database(Path(path)))


def current_source_key() -> SourceKey:
    path = sources.data_path()
    if sources.is_demo(path) and not path.exists():
        _build_demo(str(path))
    return sources.source_key(path)


@st.cache_data(show_spinner="Checking the data…", max_entries=4)
def checked_source(key: SourceKey) -> CheckedSource:
    try:
        ds = open_dataset(key[0])
    except DataError as exc:
        return CheckedSource(key, tuple(exc.problems), {}, None, None, None, ())
    try:
        problems = tuple(validate_dataset(ds))
        tables = ds.row_counts()
        if errors_only(list(problems)):
            return CheckedSource(key, problems, tables, None, None, None, ())
        arr = arr_frame(ds)
        return CheckedSource(key, problems, tables, accounts_frame(ds), arr, last_complete_month(arr),
                             tuple(data_months(arr)))
    finally:
        ds.close()


@st.cache_data(show_spinner="Loading the model…", max_entries=4)
def _model(path: str, mtime: float) -> Model:
    return load_model(path)


def current_model() -> Model:
    """The model in use (raises ModelError with the key and a suggestion when model.yaml is invalid)."""
    path = sources.model_path()
    if not path.exists():
        raise ModelError(f"{path}: model file not found; set {sources.MODEL_ENV} to a model.yaml or restore model.yaml")
    return _model(str(path), path.stat().st_mtime)


@st.cache_data(show_spinner="Computing metrics for every month of history (point in time)…", max_entries=4)
def metrics_history(key: SourceKey, settings: SignalSettings, last: date) -> pd.DataFrame:
    ds = open_dataset(key[0])
    try:
        return metrics_with_accounts(ds, history_dates(ds, last), settings)
    finally:
        ds.close()


@st.cache_data(show_spinner="Scoring…", max_entries=16)
def scored_history(key: SourceKey, model: Model, last: date) -> pd.DataFrame:
    """Scores at every month end up to `last` (tier as plain text for easy filtering)."""
    return _for_pages(score_frame(metrics_history(key, signal_settings(model), last), model).frame)


@st.cache_data(show_spinner="Scoring…", max_entries=16)
def scores_at(key: SourceKey, model: Model, dates: tuple[date, ...]) -> pd.DataFrame:
    """Scores at a few arbitrary dates (e.g. the two ends of the score-drop alert window)."""
    ds = open_dataset(key[0])
    try:
        return _for_pages(score_dates(ds, model, list(dates)).frame)
    finally:
        ds.close()


def _for_pages(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores as pages use them: tier as plain text (easy to filter), as_of as a date."""
    frame["tier"] = frame["tier"].astype(str)
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame
