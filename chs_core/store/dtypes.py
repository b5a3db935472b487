"""The pandas dtype of each stored column, kept beside the rows (DuckDB has no categories, no 'str' dtype)."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa


def dtype_record(dtype, stored: tuple[str, str | None] | None = None) -> tuple[str, str | None, bool]:
    """(dtype name, categories as JSON, ordered) of a column. stored: the (name, categories) the table holds
    already: a category column keeps those categories and appends the new ones, so rows stored earlier (another
    batch, an earlier month) keep their labels (a label outside the categories would read back as missing)."""
    if isinstance(dtype, pd.CategoricalDtype):
        categories = list(dtype.categories)
        if stored is not None and stored[0] == "category":
            kept = json.loads(stored[1])
            seen = set(kept)
            categories = kept + [c for c in categories if c not in seen]
        return "category", json.dumps(categories), bool(dtype.ordered)
    return str(dtype), None, False


def dtype_from(name: str, categories: str | None, ordered: bool):
    if name == "category":
        return pd.CategoricalDtype(json.loads(categories), ordered=ordered)
    return name


def restore(frame: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """Give each column back the pandas dtype it had when stored (DuckDB has no categories, no 'str' dtype)."""
    for name, dtype in dtypes.items():
        if name in frame.columns and str(frame[name].dtype) != str(dtype):
            frame[name] = frame[name].astype(dtype)
    return frame


def for_duckdb(frame: pd.DataFrame):
    """The frame as DuckDB should scan it to store it: categories as plain values, in an Arrow table when every
    column converts (DuckDB reads Arrow columns in C; a pandas frame's text columns one Python object at a time,
    which made storing 300k score rows take twice as long), else the frame itself (e.g. mixed-type columns)."""
    plain = frame.assign(**{c: frame[c].astype(object) for c in frame.columns
                            if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    try:
        return pa.Table.from_pandas(plain, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return plain
