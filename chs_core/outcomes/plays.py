"""Which plays were followed: after a flag with an action fired, did a matching CSM activity follow in time?

Kept simple, and stated as such on the loop page: each model flag maps to the activity types that carry its
play out (PLAY_ACTIVITIES; a flag not listed matches any touch type). A firing is a month end where the flag is
on and was off at the month end before (the history's first month end is skipped). It counts as followed
when a held activity of a matching type is dated within target_touch_days after it, on or before the as-of
date; a younger firing with no such activity yet is still open and left out.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from chs_core.model import Model
from chs_core.outcomes.loop import month_end_keys, touch_types, turned_on
from chs_core.settings import setting

PLAY_ACTIVITIES: dict[str, tuple[str, ...]] = {
    "champion_departure": ("meeting", "training"),  # meet and onboard the new champion, train the new admin
    "downgrade": ("meeting", "call", "qbr"),  # find out why, agree a recovery plan
    "usage_decline": ("call", "training"),  # call the admin, train on unused features
    "negative_dm_nps": ("meeting", "call"),  # meet the decision maker
    "escalation": ("call", "meeting"),  # own the escalation with the customer
    "missed_renewal_meeting": ("renewal_meeting",),  # reschedule and hold it
    "competitor_mention": ("meeting", "qbr"),  # value review and roadmap
    "budget_mention": ("meeting", "qbr"),  # ROI summary for the budget owner
}
PLAY_COLUMNS = ["flag", "label", "action", "matching_activities", "fired", "decided", "followed", "share_followed"]


def plays_followed(history: pd.DataFrame, model: Model, activities: pd.DataFrame, as_of: date,
                   within_days: int | None = None) -> pd.DataFrame:
    """Per model flag with an action: firings, those decided, those followed by a matching activity, the share.

    activities: held activities of every type (loop.held_activities(frame, ACTIVITY_TYPES)).
    """
    days = setting("target_touch_days") if within_days is None else within_days
    flags = [c for c in history.columns if c.startswith("flag_")]  # not the account text: filters copy less
    h = history[["account_id", "as_of", *flags]]
    h = h.assign(account_id=h["account_id"].astype(str), as_of=pd.to_datetime(h["as_of"]).astype("datetime64[ns]"))
    if (h["as_of"] > pd.Timestamp(as_of)).any():
        h = h[h["as_of"] <= pd.Timestamp(as_of)]
    keys = month_end_keys(h)
    rows = []
    for flag in model.flags:
        column = f"flag_{flag.name}"
        if not flag.action or column not in h.columns:
            continue
        types = PLAY_ACTIVITIES.get(flag.name, touch_types())
        fired = turned_on(h, column, keys)[["account_id", "as_of"]]
        fired["_at"] = pd.to_datetime(fired["as_of"])
        acts = activities[activities["activity_type"].isin(types) & (activities["activity_date"] <= pd.Timestamp(as_of))]
        pairs = fired.merge(acts, on="account_id")
        gap = (pairs["activity_date"] - pairs["_at"]).dt.days
        hit = pairs[(gap > 0) & (gap <= days)].drop_duplicates(["account_id", "_at"])
        followed = fired.merge(hit[["account_id", "_at"]].assign(_hit=True), on=["account_id", "_at"], how="left")
        followed["_hit"] = followed["_hit"].astype("boolean").fillna(False).astype(bool)
        decided = followed["_hit"] | ((pd.Timestamp(as_of) - followed["_at"]).dt.days > days)
        n, k = int(decided.sum()), int(followed["_hit"].sum())
        rows.append([flag.name, flag.label, flag.action, ", ".join(types), len(fired), n, k, k / n if n else None])
    return pd.DataFrame(rows, columns=PLAY_COLUMNS)
