"""The pipeline shared by the CLI and the app: source -> checked data -> metrics -> scores.

Stages are separate functions so the app can cache each one on its own key:
metrics depend on the data and the model's `signals:` only, scores on the model too.
`check_source` is the one place that opens, validates and reads the default as-of date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from chs_core.errors import DataError, Problem
from chs_core.kpis.periods import CompletenessCheck, add_months, arr_frame, data_months, last_complete_month, month_end, month_start
from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.model import Model
from chs_core.scoring.score import Scores, score_frame
from chs_core.selection import flagged_ids, sliced
from chs_core.settings import setting
from chs_core.sources import Dataset, Source, source_for
from chs_core.sources.redact import redact
from chs_core.store import default_store, validated
from chs_core.validation import errors_only

ACCOUNT_COLUMNS = ("account_id", "account_name", "segment", "industry", "region", "csm", "renewal_date")


@dataclass(frozen=True)
class CheckedSource:
    """What every view needs from a data source before any scoring: problems, accounts, clean ARR, the as-of default."""

    key: str
    label: str
    problems: tuple[Problem, ...]
    tables: dict[str, int]  # supplied table -> rows
    accounts: pd.DataFrame | None  # None when the source has errors
    arr: pd.DataFrame | None  # arr_frame: clean monthly ARR
    completeness: CompletenessCheck | None
    months: tuple[date, ...]  # months present in arr_monthly
    opened: bool = True  # False when the source itself could not be opened (missing path, unreadable database)
    columns: dict[str, frozenset[str]] = field(default_factory=dict)  # supplied (or derived) columns per table
    derived: dict[str, str] = field(default_factory=dict)  # table -> how it was derived (e.g. from subscriptions)

    @property
    def errors(self) -> list[Problem]:
        return errors_only(list(self.problems))

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def usable(self) -> bool:
        return not self.errors

    @property
    def default_as_of(self) -> date | None:
        """The end of the last complete month (a partial last month is skipped)."""
        if self.completeness is None or self.completeness.end_month is None:
            return None
        return month_end(self.completeness.end_month)


def _inspect(ds: Dataset, source: Source, today: date | None) -> CheckedSource:
    problems = tuple(validated(ds, today))
    tables = ds.row_counts()
    if errors_only(list(problems)):
        return CheckedSource(source.key, source.label, problems, tables, None, None, None, (),
                             columns=dict(ds.columns), derived=dict(ds.derived))
    arr = arr_frame(ds)
    return CheckedSource(source.key, source.label, problems, tables, accounts_frame(ds), arr,
                         last_complete_month(arr), tuple(data_months(arr)), columns=dict(ds.columns),
                         derived=dict(ds.derived))


def check_source(location: str | Path | Source, today: date | None = None) -> CheckedSource:
    """Open and validate a source and read what every view needs, then close it; bad data gives problems, not errors."""
    try:
        source = source_for(location)
        ds = source.open()
    except DataError as exc:
        where = redact(str(location))  # a URL's password never reaches a page or a log
        return CheckedSource(where, where, tuple(exc.problems), {}, None, None, None, (), opened=False)
    with ds:
        return _inspect(ds, source, today)


def open_checked(location: str | Path | Source, today: date | None = None) -> tuple[Dataset, CheckedSource]:
    """Open and validate a source and keep it open for metrics; raise DataError listing every error."""
    source = source_for(location)
    ds = source.open()
    try:
        checked = _inspect(ds, source, today)
    except Exception:
        ds.close()
        raise
    if not checked.usable:
        ds.close()
        raise DataError(list(checked.problems))
    return ds, checked


def accounts_frame(ds: Dataset) -> pd.DataFrame:
    """Account attributes used for display, filters and segment overrides."""
    return ds.table("accounts", ACCOUNT_COLUMNS, order_by=("account_id",))


def end_month_for(as_of: date) -> date:
    """The last month fully covered by `as_of`: Oct 31 -> October, Oct 15 -> September."""
    return add_months(month_start(as_of + timedelta(days=1)), -1)


def history_dates(arr: pd.DataFrame, as_of: date) -> list[date]:
    """Month ends from warm_up_months after the first ARR month to `as_of` (the dates of the score history).

    `as_of` itself is always included, so a short data set still gets its latest scores.
    """
    if arr.empty:
        return []
    first = month_start(arr["month"].min())
    dates = month_end_dates(add_months(first, setting("warm_up_months")), as_of)
    return dates if dates and dates[-1] == as_of else dates + [as_of]


def point_in_time_metrics(ds: Dataset, as_of_dates: list[date], settings: SignalSettings,
                          account_ids: list[str] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """compute_metrics for the dates (only `account_ids` when given; only `columns`, in the frame's order, when
    given). A file source's metrics come from the results store: only dates not stored yet are computed."""
    store = default_store() if ds.source_key else None
    if store is None:
        return sliced(compute_metrics(ds, as_of_dates, settings, account_ids), None, columns)
    return store.metrics(ds, ds.source_key, as_of_dates, settings, account_ids, columns)


def metrics_with_accounts(ds: Dataset, as_of_dates: list[date], settings: SignalSettings,
                          account_ids: list[str] | None = None) -> pd.DataFrame:
    """point_in_time_metrics joined to account attributes (segment feeds segment overrides)."""
    return with_accounts(point_in_time_metrics(ds, as_of_dates, settings, account_ids), accounts_frame(ds))


def with_accounts(metrics: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """metrics.merge(accounts, on="account_id", how="left"): the same frame, with the attribute columns looked up
    and put beside the metric columns instead of every column copied (1 s and 0.5 GB for a 1.8M-row history)."""
    codes, ids = pd.factorize(metrics["account_id"])  # hashing 100k ids, not 1.8M
    at = pd.Index(accounts["account_id"]).get_indexer(ids)[codes] if accounts["account_id"].is_unique else None
    if at is None or (at < 0).any() or set(accounts.columns) & set(metrics.columns) - {"account_id"}:
        return metrics.merge(accounts, on="account_id", how="left")  # missing, repeated or shared: merge's rules
    looked_up = accounts.drop(columns="account_id").take(at).reset_index(drop=True)
    return pd.concat([metrics.reset_index(drop=True), looked_up], axis=1)


def score_dates(ds: Dataset, model: Model, as_of_dates: list[date]) -> Scores:
    """Score every customer at each date, point in time (with raw values and weight shares for explain)."""
    return score_frame(metrics_with_accounts(ds, as_of_dates, model.signals), model)


def scored_frame(ds: Dataset, model: Model, as_of_dates: list[date], account_ids: list[str] | None = None,
                 columns: list[str] | None = None) -> pd.DataFrame:
    """score_dates(...).frame, read from the results store when the source has one (a model seen before: no scoring).

    columns: only these columns of the frame (a page's slice), in the frame's order."""
    store = default_store() if ds.source_key else None
    if store is not None:
        return store.scores(ds, ds.source_key, as_of_dates, model,
                            lambda dates: metrics_with_accounts(ds, dates, model.signals), account_ids, columns)
    return sliced(score_dates(ds, model, as_of_dates).frame, account_ids, columns)


def scores_stored(ds: Dataset, model: Model, as_of_dates: list[date]) -> bool:
    """Whether the results store holds the model's scores at every date (scored_frame then reads, not scores)."""
    store = default_store() if ds.source_key else None
    return store is not None and store.scores_stored(ds, ds.source_key, as_of_dates, model)


def flagged_accounts(ds: Dataset, model: Model, as_of_dates: list[date], flag: str = "at_risk") -> list[str]:
    """Sorted ids of the accounts whose `flag` column (at_risk) is true in their score at any of the dates; counted
    in the results store when the source has one, so a year of month ends is never read whole."""
    store = default_store() if ds.source_key else None
    if store is not None:
        return store.flagged_accounts(ds, ds.source_key, as_of_dates, model,
                                      lambda dates: metrics_with_accounts(ds, dates, model.signals), flag)
    if not as_of_dates:
        return []
    return flagged_ids(score_dates(ds, model, as_of_dates).frame, flag)
