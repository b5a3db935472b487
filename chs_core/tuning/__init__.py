"""Tuning: weights suggested from the point-in-time history, judged out of sample (suggest, weights, explain)."""
from chs_core.tuning.suggest import NotEnoughHistory, Suggestion, suggest_weights
from chs_core.tuning.weights import apply_metric_weights, metric_shares

__all__ = ["NotEnoughHistory", "Suggestion", "apply_metric_weights", "metric_shares", "suggest_weights"]
