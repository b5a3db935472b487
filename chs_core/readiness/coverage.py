"""Per metric, the share of accounts with data at each as-of date (a metric with no value is missing, never 0)."""
from __future__ import annotations

import pandas as pd

from chs_core.model import Model


def metric_coverage(metrics: pd.DataFrame, model: Model) -> pd.DataFrame:
    """as_of, metric, share of accounts with a value: one row per model metric and as-of date."""
    names = [m for m in model.metric_names() if m in metrics.columns]
    if metrics.empty or not names:
        return pd.DataFrame(columns=["as_of", "metric", "share"])
    shares = metrics.groupby("as_of")[names].agg(lambda s: s.notna().mean())
    return shares.reset_index().melt(id_vars="as_of", var_name="metric", value_name="share")
