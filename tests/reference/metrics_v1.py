"""The first metric implementation (one statement with range joins over the whole history), kept as a reference.

The production SQL (chs_core/metrics/sql) was rewritten for speed; tests compare it with this
straightforward version, which reads every event up to each as-of date with plain range joins.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import OUTPUT_COLUMNS, SOURCES, _params
from chs_core.sources import Dataset

SQL_DIR = Path(__file__).parent / "metrics_v1"
_PARAM = re.compile(r"\$([a-z_]+)")


def _query() -> str:
    ctes = ["_asof AS MATERIALIZED (SELECT DISTINCT unnest($as_of_dates::DATE[]) AS as_of)",
            f"_base AS MATERIALIZED (\n{(SQL_DIR / 'base.sql').read_text()}\n)"]
    ctes += [f"_m_{s} AS (\n{(SQL_DIR / f'{s}.sql').read_text()}\n)" for s in SOURCES]
    joins = "\n".join(f"JOIN _m_{s} USING (account_id, as_of)" for s in SOURCES)
    cols = ", ".join(f'"{c}"' for c in OUTPUT_COLUMNS)
    return f"WITH {', '.join(ctes)}\nSELECT {cols} FROM _base\n{joins}\nORDER BY as_of, account_id"


def reference_metrics(ds: Dataset, as_of_dates: Sequence[date], settings: SignalSettings = SignalSettings()) -> pd.DataFrame:
    params = _params(ds, settings)
    params["as_of_dates"] = sorted({pd.Timestamp(d).date() for d in as_of_dates})
    sql = _query()
    frame = ds.df(sql, {k: params[k] for k in set(_PARAM.findall(sql))})
    for col in ("as_of", "ref_month"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame.reset_index(drop=True)
