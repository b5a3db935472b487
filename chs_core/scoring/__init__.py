"""Scoring: metrics to 0-100 points (normalise), components, flags, tiers (score), and why (explain)."""
from chs_core.scoring.explain import contributions
from chs_core.scoring.normalise import normalise
from chs_core.scoring.score import Scores, assign_tiers, explain, lifecycle_stages, score_frame

__all__ = ["Scores", "assign_tiers", "contributions", "explain", "lifecycle_stages", "normalise", "score_frame"]
