"""The closing-the-loop report for one as-of date: response times per CSM and tier, outcomes, plays followed."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd

from chs_core.contract import ACTIVITY_TYPES
from chs_core.kpis.benchmarks import quality_targets
from chs_core.model import Model
from chs_core.outcomes.loop import (
    ASSOCIATION,
    OutcomeGroup,
    first_touches,
    flag_events,
    held_activities,
    intervention_outcomes,
    response_shares,
    touch_types,
)
from chs_core.outcomes.plays import plays_followed
from chs_core.selection import only_accounts
from chs_core.settings import setting

DEFINITIONS = {
    "flag": "A flag is an account that went at risk at a month end (below the at-risk cut-off there, not the month "
            "end before) or raised a score-drop alert. Further flags of the same account within the horizon belong "
            "to the same episode and are not counted again.",
    "touch": "A touch is a held CSM activity of a touch type (meeting, call, QBR, training by default; setting "
             "touch_types) dated after the flag date. Emails, notes and missed or cancelled meetings do not count.",
    "in_time": "Touched in time: the first touch came within the target days (14) of the flag. A younger flag with "
               "no touch yet is still open and is left out of every share.",
    "saved": "Saved: the account neither churned nor contracted in any month of the horizon after the flag (the "
             "backtest's definition). Only flags whose whole horizon is in the data are judged.",
    "interval": "The range beside each share is a 95% Wilson score interval: with few flags it is wide.",
    "plays": "Plays followed: after a flag with an action fired, a held activity of a matching type (for example "
             "a renewal meeting after a missed renewal meeting) within the target days. A simple check of the "
             "activity type, not of what was said.",
}


@dataclass(frozen=True)
class LoopReport:
    """Everything the loop page and the CLI show, for one as-of date."""

    as_of: date
    touch_days: int
    horizon_months: int
    touch_types: tuple[str, ...]
    flags: pd.DataFrame  # loop.first_touches: one row per flag with its first touch and status
    overall: pd.DataFrame  # loop.response_shares over everyone (one row)
    by_csm: pd.DataFrame
    by_tier: pd.DataFrame
    outcomes: tuple[OutcomeGroup, ...]
    judged: pd.DataFrame  # decided flags whose horizon has passed, with churned, contracted, saved
    plays: pd.DataFrame  # plays.plays_followed

    def outcome(self, group: str) -> OutcomeGroup:
        return next(g for g in self.outcomes if g.group == group)

    def to_dict(self) -> dict:
        def records(frame: pd.DataFrame) -> list[dict]:
            return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")

        target = quality_targets()["intervention_success"]
        return {
            "as_of": self.as_of.isoformat(), "touch_within_days": self.touch_days,
            "horizon_months": self.horizon_months, "touch_types": list(self.touch_types),
            "flags": len(self.flags), "open_flags": int((self.flags["status"] == "open").sum()),
            "response": records(self.overall), "by_csm": records(self.by_csm), "by_tier": records(self.by_tier),
            "intervention_outcome": [asdict(g) for g in self.outcomes],
            "interval": "Wilson score interval, 95%",
            "target": {"share_saved": target.value, "meaning": target.meaning},
            "caveat": ASSOCIATION, "definitions": DEFINITIONS,
            "plays_followed": records(self.plays),
        }


def alert_window_dates(history_dates: Iterable[date], within_days: int) -> list[date]:
    """The dates whose scores score-drop alerts at each history date compare against."""
    return sorted({d - timedelta(days=within_days) for d in history_dates})


def loop_report(history: pd.DataFrame, alert_scores: pd.DataFrame | None, activities: pd.DataFrame,
                arr: pd.DataFrame, model: Model, as_of: date, end_month: date | None = None,
                account_ids: Iterable[str] | None = None, horizon_months: int | None = None) -> LoopReport:
    """The loop as of `as_of`: flags up to it, touches up to it, outcomes whose horizon ends by end_month."""
    horizon = setting("backtest_horizon_months") if horizon_months is None else horizon_months
    days = setting("target_touch_days")
    history = only_accounts(history, account_ids)
    later = pd.to_datetime(history["as_of"]) > pd.Timestamp(as_of)
    if later.any():  # copying 2M rows of account text to drop none cost seconds
        history = history[~later]
    alerts = None if alert_scores is None else only_accounts(alert_scores, account_ids)
    flags = flag_events(history, model.alert, alerts, horizon)
    touched = first_touches(flags, held_activities(activities), as_of, days)
    outcomes, judged = intervention_outcomes(touched, arr, horizon, end_month)
    plays = plays_followed(history, model, held_activities(activities, ACTIVITY_TYPES), as_of, days)
    return LoopReport(as_of, days, horizon, touch_types(), touched, response_shares(touched, None),
                      response_shares(touched, "csm"), response_shares(touched, "tier"), tuple(outcomes),
                      judged, plays)
