"""The results store: a DuckDB file of computed metrics and scores, refreshed incrementally.

Metrics rows are keyed by (data key of their as-of date, signal settings key, as_of), scores by
(data key, model key, as_of). Asking for a history computes only the as-of dates not stored yet
(a new month: one date), in one compute_metrics call, and reads the rest; a model change rescores
from stored metrics without touching the events. The per-month digests behind the data keys are
cached per Source.key. Results equal a fresh computation (tests/unit/test_store.py).

The file is opened for each operation and closed again, so the CLI and the app can take turns;
when another process holds it, results are computed without the store.
"""
from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import compute_metrics
from chs_core.model import Model
from chs_core.pipeline import accounts_frame
from chs_core.scoring.score import score_frame
from chs_core.settings import REPO_ROOT, setting
from chs_core.sources import Dataset
from chs_core.store import sql
from chs_core.store.fingerprint import DataKeys, data_keys, model_key, signals_key

SCHEMA_VERSION = 1  # in the file name: a new layout starts a new file instead of misreading an old one
_LOCK = threading.Lock()
_DATETIME_COLUMNS = ("as_of", "ref_month")


class ResultsStore:
    """Metric and score history in one DuckDB file (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path), config={"autoinstall_known_extensions": False,
                                                     "autoload_known_extensions": False,
                                                     "memory_limit": setting("duckdb_memory_limit")})
        for statement in sql.SCHEMA:
            con.execute(statement)
        return con

    # --- data keys -----------------------------------------------------------------
    def keys(self, ds: Dataset, source_key: str) -> DataKeys:
        """Data keys of the opened source; its digests are computed once per Source.key."""
        with _LOCK, self._connect() as con:
            cached = con.execute(sql.SELECT_DIGESTS, [source_key]).df()
            if not cached.empty:
                cached["month"] = pd.to_datetime(cached["month"]).dt.date
                return data_keys(ds, cached)
            keys = data_keys(ds)
            con.register("new_digests", keys.digests)
            con.execute(sql.INSERT_DIGESTS, [source_key])
            return keys

    # --- metrics -------------------------------------------------------------------
    def metrics(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date],
                settings: SignalSettings = SignalSettings(), account_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """compute_metrics(ds, as_of_dates, settings, account_ids), computing only the dates not stored yet."""
        dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
        try:
            keys = self.keys(ds, source_key)
            skey = signals_key(settings)
            wanted = [(keys.key_at(d), d) for d in dates]
            self._fill("metrics", "signals_key", skey, wanted,
                       lambda missing: compute_metrics(ds, missing, settings))
            return _with_times(self._read("metrics", "signals_key", skey, wanted, account_ids))
        except duckdb.IOException as exc:  # another process holds the store: compute without it
            print(f"Results store {self.path} is busy ({exc}); computing without it.", file=sys.stderr)
            return compute_metrics(ds, dates, settings, account_ids)

    # --- scores --------------------------------------------------------------------
    def scores(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date], model: Model,
               account_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """score_frame(metrics joined to accounts, model).frame at the dates, from stored metrics and scores."""
        dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
        try:
            keys = self.keys(ds, source_key)
            mkey = model_key(model)
            wanted = [(keys.key_at(d), d) for d in dates]

            def fresh(missing: list[date]) -> pd.DataFrame:
                metrics = self.metrics(ds, source_key, missing, model.signals)
                return score_frame(metrics.merge(accounts_frame(ds), on="account_id", how="left"), model).frame

            dtypes = self._fill("scores", "model_key", mkey, wanted, fresh)
            frame = self._read("scores", "model_key", mkey, wanted, account_ids)
            return _restore(_with_times(frame), dtypes)
        except duckdb.IOException as exc:
            print(f"Results store {self.path} is busy ({exc}); computing without it.", file=sys.stderr)
            metrics = compute_metrics(ds, dates, model.signals, account_ids)
            return score_frame(metrics.merge(accounts_frame(ds), on="account_id", how="left"), model).frame

    # --- shared --------------------------------------------------------------------
    def _fill(self, table: str, key_column: str, key: str, wanted: list[tuple[str, date]], compute) -> dict:
        """Compute and store the wanted (data key, as-of) pairs that are missing; return the stored dtypes."""
        with _LOCK, self._connect() as con:
            done = {(k, d) for k, d in con.execute(sql.SELECTED_DONE, [table, key]).fetchall()}
            missing = [d for k, d in wanted if (k, d) not in done]
            dtypes = _read_dtypes(con, key) if table == "scores" else {}
        if not missing:
            return dtypes
        frame = compute(missing)
        by_date = {d: k for k, d in wanted}
        stored = frame.copy()
        stored.insert(0, "data_key", [by_date[pd.Timestamp(t).date()] for t in stored["as_of"]])
        stored.insert(1, key_column, key)
        for col in stored.columns:
            if isinstance(stored[col].dtype, pd.CategoricalDtype):
                dtypes[col] = stored[col].dtype
                stored[col] = stored[col].astype(object)
        with _LOCK, self._connect() as con:
            con.register("fresh", stored)
            con.execute(sql.create_like(table, "fresh"))
            con.execute(sql.BEGIN)
            for d in missing:
                con.execute(sql.delete_rows(table, key_column), [key, by_date[d], d])
                con.execute(sql.INSERT_DONE, [table, key, by_date[d], d])
            con.execute(sql.insert_rows(table, "fresh"))
            if table == "scores":
                _write_dtypes(con, key, dtypes)
            con.execute(sql.COMMIT)
        return dtypes

    def _read(self, table: str, key_column: str, key: str, wanted: list[tuple[str, date]],
              account_ids: Iterable[str] | None) -> pd.DataFrame:
        with _LOCK, self._connect() as con:
            columns = [c for (c,) in con.execute(sql.TABLE_COLUMNS, [table]).fetchall()
                       if c not in ("data_key", key_column)]
            params: list = [[k for k, _ in wanted], [d for _, d in wanted], key]
            if account_ids is not None:
                params.append(sorted({str(a) for a in account_ids}))
            return con.execute(sql.read_rows(table, key_column, columns, account_ids is not None), params).df()


def _with_times(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _DATETIME_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame.reset_index(drop=True)


def _read_dtypes(con: duckdb.DuckDBPyConnection, key: str) -> dict:
    return {name: pd.CategoricalDtype(json.loads(cats), ordered=ordered)
            for name, cats, ordered in con.execute(sql.SELECT_DTYPES, [key]).fetchall()}


def _write_dtypes(con: duckdb.DuckDBPyConnection, key: str, dtypes: dict) -> None:
    con.execute(sql.DELETE_DTYPES, [key])
    for name, dtype in dtypes.items():
        con.execute(sql.INSERT_DTYPE, [key, name, json.dumps(list(dtype.categories)), bool(dtype.ordered)])


def _restore(frame: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    for name, dtype in dtypes.items():
        if name in frame.columns:
            frame[name] = frame[name].astype(dtype)
    return frame


def default_store() -> ResultsStore | None:
    """The store named by the results_store setting (None when it is "off")."""
    where = setting("results_store")
    if where == "off":
        return None
    return ResultsStore(where or REPO_ROOT / "data" / "cache" / f"results-v{SCHEMA_VERSION}.duckdb")
