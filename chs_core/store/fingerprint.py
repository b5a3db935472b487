"""Point-in-time data fingerprints: what the metrics at as-of date T can depend on, hashed per T.

Metrics at T read only rows dated up to T (point in time), plus the snapshot tables (accounts,
contacts). So each dated table is digested per month (row count and a sum of row hashes over
every contract column, in one scan), and the key of T combines the digests of the months up to T's
month with the snapshot tables and which tables and columns were supplied. A new month of data
leaves the keys of earlier dates as they were; a changed row changes the key of every date from
its month on (rows dated later in T's own month count too: a safe over-approximation).
The digests themselves are cached per Source.key, so an unchanged source is never scanned again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd

from chs_core.contract import TABLES
from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model, model_to_dict
from chs_core.sources import Dataset
from chs_core.store import sql

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


def table_digests(ds: Dataset) -> pd.DataFrame:
    """table_name, month, n, h for every supplied table (one scan per table)."""
    parts = []
    for table in TABLES:
        if not ds.has(table.name):
            continue
        frame = ds.df(sql.month_digest(table.name, DATE_COLUMNS.get(table.name), table.column_names))
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
    return _sha(json.dumps({t: sorted(ds.columns.get(t, ())) for t in sorted(ds.present)}))


def data_keys(ds: Dataset, digests: pd.DataFrame | None = None) -> DataKeys:
    """Keys per as-of date; pass cached digests to skip the scan."""
    return DataKeys(supplied_key(ds), table_digests(ds) if digests is None else digests)
