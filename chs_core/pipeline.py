"""The scoring pipeline shared by the CLI and the app: data source -> metrics -> scores.

Stages are separate functions so the app can cache each one on its own key:
metrics depend on the data and the model's `signals:` only, scores on the model too.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from chs_core.errors import Problem
from chs_core.kpis.periods import CompletenessCheck, add_months, arr_frame, last_complete_month, month_end, month_start
from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.model import signal_settings
from chs_core.model.schema import Model
from chs_core.scoring.score import Scores, score_frame
from chs_core.sources.loading import Dataset, open_dataset
from chs_core.validation.checks import require_valid

# Score history starts this many months after the first ARR month: 90-day windows and 3-month trends
# need that much earlier data, and scores without it would look healthier than they are.
WARM_UP_MONTHS = 3
ACCOUNT_COLUMNS = ("account_id", "account_name", "segment", "industry", "region", "csm", "renewal_date")


def open_checked(path: str | Path, today: date | None = None) -> tuple[Dataset, list[Problem]]:
    """Open and validate a source; raise DataError listing every error, else return it with its warnings."""
    ds = open_dataset(path)
    try:
        warnings = require_valid(ds, today)
    except Exception:
        ds.close()
        raise
    return ds, warnings


def accounts_frame(ds: Dataset) -> pd.DataFrame:
    """Account attributes used for display, filters and segment overrides."""
    return ds.df(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts ORDER BY account_id")


def completeness(ds: Dataset) -> CompletenessCheck:
    return last_complete_month(arr_frame(ds))


def default_as_of(ds: Dataset) -> date:
    """Last day of the last complete month of ARR data (a partial last month is skipped)."""
    check = completeness(ds)
    if check.end_month is None:
        raise ValueError("arr_monthly has no rows")
    return month_end(check.end_month)


def end_month_for(as_of: date) -> date:
    """The last month fully covered by `as_of`: Oct 31 -> October, Oct 15 -> September."""
    return add_months(month_start(as_of + timedelta(days=1)), -1)


def history_dates(ds: Dataset, last: date) -> list[date]:
    """Month ends from WARM_UP_MONTHS after the first ARR month to `last` (the dates of the score history).

    `last` itself is always included, so a short data set still gets its latest scores.
    """
    first = ds.con.execute("SELECT min(month) FROM arr_monthly").fetchone()[0]
    if first is None:
        return []
    dates = month_end_dates(add_months(month_start(first), WARM_UP_MONTHS), last)
    return dates if dates and dates[-1] == last else dates + [last]


def metrics_with_accounts(ds: Dataset, as_of_dates: list[date], settings: SignalSettings) -> pd.DataFrame:
    """compute_metrics for the dates, joined to account attributes (segment feeds segment overrides)."""
    metrics = compute_metrics(ds, as_of_dates, settings)
    return metrics.merge(accounts_frame(ds), on="account_id", how="left")


def score_dates(ds: Dataset, model: Model, as_of_dates: list[date]) -> Scores:
    """Score every customer at each date, point in time."""
    return score_frame(metrics_with_accounts(ds, as_of_dates, signal_settings(model)), model)
