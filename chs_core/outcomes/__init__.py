"""Outcomes: what happened after a score (tier outcomes, score-drop alerts, the point-in-time backtest)."""
