"""Point-in-time data fingerprints: what the metrics at as-of date T can depend on, hashed per T.

Metrics at T read only rows dated up to T (point in time), plus the snapshot tables (accounts,
contacts). So each dated table is digested per month (row count and a sum of row hashes over
every supplied contract column as supplied, in one scan), and the key of T combines the digests of the months up to T's
month with the snapshot tables and which tables and columns were supplied. A new month of data
leaves the keys of earlier dates as they were; a changed row changes the key of every date from
its month on (rows dated later in T's own month count too: a safe over-approximation).
The digests themselves are cached per Source.key (and reading_key), so an unchanged source is never
scanned again. Rows are hashed as supplied, not as typed: the typed view is a fixed function of the raw
values, the data_time_zone setting and the code that reads them, all in reading_key, which every data
key includes; hashing raw values skips the typed view's trimming and casting (3x cheaper on 50M events).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from chs_core.contract import TABLES, Table
from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model, model_to_dict
from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.store import sql

_CORE = Path(__file__).resolve().parents[1]
# The code that turns raw values into the typed views' values (casts, trimming, code spellings, defaults).
_READING_CODE = ("contract.py", "sources/sql.py", "sources/codes.py", "sources/views.py")

# The date each dated table's rows are known by (None: a snapshot table, digested whole).
DATE_COLUMNS: dict[str, str | None] = {
    "accounts": None, "contacts": None, "arr_monthly": "month", "usage_events": "event_date",
    "tickets": "opened_at", "nps_responses": "responded_at", "csm_activities": "activity_date",
    "invoices": "due_date",
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def signals_key(settings: SignalSettings) -> str:
    """Changes when any signal setting that metrics read changes."""
    return _sha(json.dumps(asdict(settings), sort_keys=True, default=list))


def model_key(model: Model) -> str:
    """Changes when anything in the model changes (weights, thresholds, flags, tiers, signals, overrides)."""
    return _sha(json.dumps(model_to_dict(model), sort_keys=True, default=str))


@cache
def code_digest(patterns: tuple[str, ...]) -> str:
    """A digest of the text of the chs_core files matching the patterns (paths relative to chs_core, globs allowed):
    a key holding it changes when the code that decides the result changes."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(_CORE.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def reading_key() -> str:
    """Changes with what turns raw values into typed ones: the data_time_zone setting and the reading code."""
    return _sha(json.dumps([str(setting("data_time_zone")), code_digest(_READING_CODE)]))


def digest_cache_key(source_key: str) -> str:
    """Where the digests of an opened source are cached: its Source.key, read the way it is read today."""
    return _sha(f"{source_key}\0{reading_key()}")


def _digest_sql(ds: Dataset, table: Table) -> str:
    supplied = [c for c in table.column_names if ds.has(table.name, c)]
    date_column = DATE_COLUMNS.get(table.name)
    if date_column not in supplied:
        return sql.month_digest(table, supplied, None, None)
    types = {row[0]: row[1] for row in ds.rows(sql.raw_types(table))}
    return sql.month_digest(table, supplied, date_column, types.get(date_column))


def table_digests(ds: Dataset) -> pd.DataFrame:
    """table_name, month, n, h for every supplied table (one scan per table)."""
    parts = []
    for table in TABLES:
        if not ds.has(table.name):
            continue
        frame = ds.df(_digest_sql(ds, table))
        frame.insert(0, "table_name", table.name)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["table_name", "month", "n", "h"])
    out["month"] = pd.to_datetime(out["month"]).dt.date
    return out.sort_values(["table_name", "month"], na_position="first").reset_index(drop=True)


@dataclass(frozen=True)
class DataKeys:
    """The data fingerprint of each as-of date for one opened source."""

    supplied: str  # which tables and columns were supplied (NULL versus 0 depends on it)
    digests: pd.DataFrame  # table_digests

    def key_at(self, as_of: date) -> str:
        month = as_of.replace(day=1)
        d = self.digests
        known = d[d["month"].isna() | (d["month"].map(lambda m: m is not None and not pd.isna(m) and m <= month))]
        rows = "\n".join(f"{r.table_name}|{r.month}|{r.n}|{r.h}" for r in known.itertuples(index=False))
        return _sha(f"{self.supplied}\n{rows}")


def supplied_key(ds: Dataset) -> str:
    """Which tables and columns were supplied, and how they are read."""
    return _sha(json.dumps([{t: sorted(ds.columns.get(t, ())) for t in sorted(ds.present)}, reading_key()]))


def data_keys(ds: Dataset, digests: pd.DataFrame | None = None) -> DataKeys:
    """Keys per as-of date; pass cached digests to skip the scan."""
    return DataKeys(supplied_key(ds), table_digests(ds) if digests is None else digests)
