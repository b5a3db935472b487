"""Outcomes: what happened after a score was given (the backtest, tier outcomes, flag quality, score-drop alerts, the loop)."""
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.outcomes.backtest import Backtest, OutcomeReport, run_backtest
from chs_core.outcomes.labels import Labels, label_history
from chs_core.outcomes.lift import OUTCOME, OutcomeSummary, tier_lift
from chs_core.outcomes.loop_report import LoopReport, loop_report
from chs_core.outcomes.quality import Quality, SliceQuality, TierRate
from chs_core.outcomes.tier_outcomes import FlagQuality, flag_quality_of, judged_outcomes, tier_outcomes, tier_outcomes_of

__all__ = ["OUTCOME", "Backtest", "FlagQuality", "Labels", "LoopReport", "OutcomeReport", "OutcomeSummary", "Quality",
           "SliceQuality", "TierRate", "alert_dates", "flag_quality_of", "judged_outcomes", "label_history",
           "loop_report", "run_backtest", "score_drops", "tier_lift", "tier_outcomes", "tier_outcomes_of"]
