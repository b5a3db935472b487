"""Outcomes: what happened after a score was given (tier outcomes, flag quality, score-drop alerts)."""
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.outcomes.tier_outcomes import FlagQuality, flag_quality_of, judged_outcomes, tier_outcomes, tier_outcomes_of

__all__ = ["FlagQuality", "alert_dates", "flag_quality_of", "judged_outcomes", "score_drops", "tier_outcomes",
           "tier_outcomes_of"]
