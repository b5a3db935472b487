"""Metrics: per-account, point-in-time inputs to the score (catalog), computed in DuckDB SQL (compute, sql/)."""
from chs_core.metrics.catalog import FLAG_SIGNALS, METRIC_NAMES, METRICS, SIGNAL_NAMES, MetricInfo, SignalSettings
from chs_core.metrics.compute import compute_metrics, month_end_dates

__all__ = ["FLAG_SIGNALS", "METRICS", "METRIC_NAMES", "MetricInfo", "SIGNAL_NAMES", "SignalSettings",
           "compute_metrics", "month_end_dates"]
