"""The pandas dtype of each stored column, kept beside the rows (DuckDB has no categories, no 'str' dtype)."""
from __future__ import annotations

import json

import pandas as pd


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
