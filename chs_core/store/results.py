"""The results store: a DuckDB file of computed metrics and scores, refreshed incrementally.

Metrics rows are keyed by (data key of their as-of date, signal settings key, as_of), scores by (data key, model
key, as_of). Asking for a history computes only the as-of dates not stored yet (a new month: one date),
metrics_batch_dates dates at a time, each batch stored before the next is computed (memory bounded), and reads the
rest; a model change rescores from stored metrics without touching the events. The per-month digests behind the
data keys are cached per Source.key. Results equal a fresh computation (tests/unit/test_store.py).

The file is opened for each operation and closed again, so the CLI and the app can take turns;
when another process holds it, results are computed without the store.
"""
from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import compute_metrics
from chs_core.model import Model
from chs_core.scoring.score import score_frame
from chs_core.selection import flagged_ids, sliced
from chs_core.settings import REPO_ROOT, setting
from chs_core.sources import Dataset
from chs_core.sources.result_frames import result_frame
from chs_core.store import sql
from chs_core.store.dtypes import dtype_from, dtype_record, for_duckdb, restore
from chs_core.store.fingerprint import DataKeys, data_keys, digest_cache_key, model_key, signals_key

SCHEMA_VERSION = 1  # in the file name: a new layout starts a new file instead of misreading an old one
_LOCK = threading.Lock()
_DATETIME_COLUMNS = ("as_of", "ref_month")


class ResultsStore:
    """Metric and score history in one DuckDB file (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        problem = self.problem()
        if problem:
            raise OSError(problem)
        config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        if setting("duckdb_memory_limit"):
            config["memory_limit"] = setting("duckdb_memory_limit")
        con = duckdb.connect(str(self.path), config=config)
        for statement in sql.SCHEMA:
            con.execute(statement)
        return con

    def problem(self) -> str | None:
        """Why the store cannot be used (its folder cannot be created), naming the setting to change; else None."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return (f"The results store {self.path} (setting results_store) cannot be created: {exc.strerror}. Point "
                    f"CHS_RESULTS_STORE at a file in a writable folder, or set it to off.")

    # --- data keys -----------------------------------------------------------------
    def keys(self, ds: Dataset, source_key: str) -> DataKeys:
        """Data keys of the opened source; its digests are computed once per Source.key (and way of reading)."""
        cache_key = digest_cache_key(source_key)
        with _LOCK, self._connect() as con:
            cached = result_frame(con, sql.SELECT_DIGESTS, [cache_key])
        if not cached.empty:
            cached["month"] = pd.to_datetime(cached["month"]).dt.date
            return data_keys(ds, cached)
        keys = data_keys(ds)  # the scan runs with the store closed: other processes may use it meanwhile
        with _LOCK, self._connect() as con:
            con.register("new_digests", keys.digests)
            con.execute(sql.BEGIN)
            con.execute(sql.DELETE_DIGESTS, [cache_key])
            con.execute(sql.INSERT_DIGESTS, [cache_key])
            con.execute(sql.COMMIT)
        return keys

    # --- metrics -------------------------------------------------------------------
    def metrics(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date],
                settings: SignalSettings = SignalSettings(), account_ids: Iterable[str] | None = None,
                columns: Sequence[str] | None = None) -> pd.DataFrame:
        """compute_metrics(ds, as_of_dates, settings, account_ids), computing only the dates not stored yet.
        columns: read only these (in the stored order)."""
        dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
        try:
            keys = self.keys(ds, source_key)
            skey = signals_key(settings)
            wanted = [(keys.key_at(d), d) for d in dates]
            self._fill("metrics", "signals_key", skey, wanted,
                       lambda missing: compute_metrics(ds, missing, settings))
            return _with_times(self._read("metrics", "signals_key", skey, wanted, account_ids, columns))
        except duckdb.IOException as exc:  # another process holds the store: compute without it
            print(f"Results store {self.path} is busy ({exc}); computing without it.", file=sys.stderr)
            return sliced(compute_metrics(ds, dates, settings, account_ids), None, columns)

    # --- scores --------------------------------------------------------------------
    def scores(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date], model: Model,
               metrics_for: Callable[[list[date]], pd.DataFrame],
               account_ids: Iterable[str] | None = None, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """score_frame(metrics_for(dates), model).frame, computing only the dates not stored yet. metrics_for(dates):
        metric rows joined to the account attributes scoring reads (pipeline.metrics_with_accounts). columns: read
        only these (in the stored order; a page's slice of 6 columns instead of ~50 holds a tenth of the memory)."""
        dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
        try:
            mkey, wanted = self._stored_scores(ds, source_key, dates, model, metrics_for)
            return _with_times(self._read("scores", "model_key", mkey, wanted, account_ids, columns))
        except duckdb.IOException as exc:
            print(f"Results store {self.path} is busy ({exc}); computing without it.", file=sys.stderr)
            return sliced(score_frame(metrics_for(dates), model).frame, account_ids, columns)

    def flagged_accounts(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date], model: Model,
                         metrics_for: Callable[[list[date]], pd.DataFrame], flag: str = "at_risk") -> list[str]:
        """Accounts whose score row has `flag` true at any of the dates (e.g. flagged at risk in a window), counted
        in DuckDB: the bridge asks this of 12 months x 100k accounts without reading them into pandas."""
        dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})
        if not dates:
            return []
        try:
            mkey, wanted = self._stored_scores(ds, source_key, dates, model, metrics_for)
            wanted_set = set(wanted)
            with _LOCK, self._connect() as con:
                tables = sorted({t for k, d, t in con.execute(sql.SELECT_DONE, ["scores", mkey]).fetchall()
                                 if (k, d) in wanted_set})
                params = [[k for k, _ in wanted], [d for _, d in wanted], mkey]
                found = {a for t in tables for (a,) in con.execute(sql.flagged_ids(t, "model_key", flag), params).fetchall()}
            return sorted(found)
        except duckdb.IOException as exc:
            print(f"Results store {self.path} is busy ({exc}); computing without it.", file=sys.stderr)
            return flagged_ids(score_frame(metrics_for(dates), model).frame, flag)

    def _stored_scores(self, ds: Dataset, source_key: str, dates: list[date], model: Model,
                       metrics_for: Callable[[list[date]], pd.DataFrame]) -> tuple[str, list[tuple[str, date]]]:
        """The model key and the (data key, as-of) pairs of the dates, every one of them stored (the missing scored)."""
        keys = self.keys(ds, source_key)
        mkey = model_key(model)
        wanted = [(keys.key_at(d), d) for d in dates]
        self._fill("scores", "model_key", mkey, wanted, lambda missing: score_frame(metrics_for(missing), model).frame)
        return mkey, wanted

    def scores_stored(self, ds: Dataset, source_key: str, as_of_dates: Sequence[date], model: Model) -> bool:
        """Whether the model's scores at every date are stored (then scores() reads them without scoring)."""
        try:
            keys, done = self.keys(ds, source_key), self._done("scores", model_key(model))
        except duckdb.IOException:
            return False
        return all((keys.key_at(d), d) in done for d in {pd.Timestamp(x).date() for x in as_of_dates})

    # --- finished results kept as text (store.checked, store.reports) ----------------
    def kept(self, kind: str, key: str) -> str | None:
        """The text kept under (kind, key); None when there is none or another process holds the store."""
        return self.kept_many(kind, [key]).get(key)

    def keep(self, kind: str, key: str, body: str, newest: int = 50) -> None:
        self.keep_many(kind, {key: body}, newest)  # of each kind only the `newest` stay

    def kept_many(self, kind: str, keys: Sequence[str]) -> dict[str, str]:
        """kept() for several keys in one visit: key -> text, for those kept."""
        try:
            with _LOCK, self._connect() as con:
                return dict(con.execute(sql.SELECT_KEPT_MANY, [kind, list(keys)]).fetchall())
        except duckdb.IOException:
            return {}

    def keep_many(self, kind: str, bodies: dict[str, str], newest: int = 2000) -> None:
        """keep() for several keys in one visit."""
        try:
            with _LOCK, self._connect() as con:
                con.execute(sql.BEGIN)
                con.execute(sql.DELETE_KEPT_MANY, [kind, list(bodies)])
                con.execute(sql.INSERT_KEPT_MANY, [kind, list(bodies), list(bodies.values())])
                con.execute(sql.PRUNE_KEPT, [kind, kind, newest])
                con.execute(sql.COMMIT)
        except duckdb.IOException:
            pass

    # --- shared --------------------------------------------------------------------
    def _fill(self, kind: str, key_column: str, key: str, wanted: list[tuple[str, date]], compute) -> None:
        """Compute and store the wanted (data key, as-of) pairs that are missing, metrics_batch_dates dates at a time.

        Each batch is stored before the next is computed, so a cold history holds one batch in memory, not all of
        it (rows of a date depend on that date alone: batches give the rows of one call over every date)."""
        done = self._done(kind, key)
        missing = [d for k, d in wanted if (k, d) not in done]
        if not missing:
            return
        by_date = {d: k for k, d in wanted}
        step = max(1, int(setting("metrics_batch_dates")))
        for i in range(0, len(missing), step):
            batch = missing[i:i + step]
            self._store(kind, key_column, key, {d: by_date[d] for d in batch}, compute(batch))
        self.prune()

    def _done(self, kind: str, key: str) -> set[tuple[str, date]]:
        with _LOCK, self._connect() as con:
            return {(k, d) for k, d, _ in con.execute(sql.SELECT_DONE, [kind, key]).fetchall()}

    def _store(self, kind: str, key_column: str, key: str, by_date: dict[date, str], frame: pd.DataFrame) -> None:
        """Store a computed frame: its rows replace those of its (data key, as-of) pairs, in one transaction."""
        stamps = pd.to_datetime(frame["as_of"])
        data_key = {pd.Timestamp(d): k for d, k in by_date.items()}
        stored = frame.copy()
        stored.insert(0, "data_key", stamps.map(data_key).to_numpy(dtype=object))
        stored.insert(1, key_column, key)
        dtypes = {c: stored[c].dtype for c in stored.columns}
        # One table per frame shape: sources with other pass-through columns never share a layout.
        physical = f"{kind}_{_sha(json.dumps([(c, str(t)) for c, t in dtypes.items()]))[:16]}"
        dates = list(by_date)
        with _LOCK, self._connect() as con:
            con.register("fresh", for_duckdb(stored))
            con.execute(sql.create_like(physical, "fresh"))
            for (column,) in con.execute(sql.UNTYPED_COLUMNS, [physical]).fetchall():  # all-NULL when first seen
                con.execute(sql.as_text(physical, column))
            before = {c: (t, cats) for c, t, cats, _ in con.execute(sql.SELECT_DTYPES, [physical]).fetchall()}
            con.execute(sql.BEGIN)
            con.execute(sql.DELETE_DTYPES, [physical])
            for col, dtype in dtypes.items():
                con.execute(sql.INSERT_DTYPE, [physical, col, *dtype_record(dtype, before.get(col))])
            for d in dates:
                con.execute(sql.delete_rows(physical, key_column), [key, by_date[d], d])
                con.execute(sql.DELETE_DONE, [kind, key, by_date[d], d])
                con.execute(sql.INSERT_DONE, [kind, key, by_date[d], d, physical])
            fresh = [[by_date[d] for d in dates], dates]
            con.execute(sql.UNTOUCH, [*fresh, kind, key])
            con.execute(sql.TOUCH, [kind, key, *fresh])
            con.execute(sql.insert_rows(physical, "fresh"))
            con.execute(sql.COMMIT)

    def prune(self, keep: int | None = None) -> int:
        """Drop all but the `keep` (setting results_store_entries) most recently used entries of each kind; returns
        how many. An entry is one model (or signals) key's results for one data key and as-of date: older model
        versions and superseded data go first. Digests of all but the newest `keep` sources go too."""
        keep = setting("results_store_entries") if keep is None else keep
        dropped = 0
        with _LOCK, self._connect() as con:
            for kind, key_column in (("metrics", "signals_key"), ("scores", "model_key")):
                stale = con.execute(sql.STALE_ENTRIES, [kind, keep]).fetchall()
                if not stale:
                    continue
                con.execute(sql.BEGIN)
                for key, data_key, as_of, physical in stale:
                    con.execute(sql.delete_rows(physical, key_column), [key, data_key, as_of])
                    con.execute(sql.DELETE_DONE, [kind, key, data_key, as_of])
                    con.execute(sql.DELETE_USED, [kind, key, data_key, as_of])
                con.execute(sql.COMMIT)
                dropped += len(stale)
            for (source_key,) in con.execute(sql.STALE_SOURCES, [keep]).fetchall():
                con.execute(sql.DELETE_DIGESTS, [source_key])
        return dropped

    def _read(self, kind: str, key_column: str, key: str, wanted: list[tuple[str, date]],
              account_ids: Iterable[str] | None, only: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored rows of the wanted pairs, in compute order, with the dtypes they were stored with."""
        wanted_set = set(wanted)
        with _LOCK, self._connect() as con:
            touched = [[k for k, _ in wanted], [d for _, d in wanted]]
            con.execute(sql.UNTOUCH, [*touched, kind, key])
            con.execute(sql.TOUCH, [kind, key, *touched])
            tables = sorted({t for k, d, t in con.execute(sql.SELECT_DONE, [kind, key]).fetchall()
                             if (k, d) in wanted_set})
            parts = []
            for physical in tables:
                dtypes = {c: dtype_from(t, cats, o) for c, t, cats, o in con.execute(sql.SELECT_DTYPES, [physical]).fetchall()}
                columns = [c for c in dtypes if c not in ("data_key", key_column) and (only is None or c in only)]
                params: list = [[k for k, _ in wanted], [d for _, d in wanted], key]
                if account_ids is not None:
                    params.append(sorted({str(a) for a in account_ids}))
                part = result_frame(con, sql.read_rows(physical, key_column, columns, account_ids is not None), params)
                parts.append(restore(part, dtypes))
        if not parts:
            return pd.DataFrame()
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True).sort_values(
            ["as_of", "account_id"], kind="mergesort")
        return frame.reset_index(drop=True)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _with_times(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _DATETIME_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame.reset_index(drop=True)


def default_store() -> ResultsStore | None:
    """The store named by the results_store setting (None when it is "off")."""
    where = setting("results_store")
    if where == "off":
        return None
    return ResultsStore(where or REPO_ROOT / "data" / "cache" / f"results-v{SCHEMA_VERSION}.duckdb")
