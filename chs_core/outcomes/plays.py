"""Which plays were followed: after a flag with an action fired, did a matching CSM activity follow in time?

Kept simple, and stated as such on the loop page: each model flag maps to the activity types that carry its
play out (PLAY_ACTIVITIES; a flag not listed matches any touch type). A firing is a month end where the flag is
on and was off at the month end before (the history's first month end is skipped). It counts as followed
when a held activity of a matching type is dated within target_touch_days after it, on or before the as-of
date; a younger firing with no such activity yet is still open and left out.
"""
from __future__ import annotations

from datetime import date

import numpy as np
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
    acts = _ActivityDays(activities[activities["activity_date"] <= pd.Timestamp(as_of)])
    rows = []
    for flag in model.flags:
        column = f"flag_{flag.name}"
        if not flag.action or column not in h.columns:
            continue
        types = PLAY_ACTIVITIES.get(flag.name, touch_types())
        fired = turned_on(h, column, keys)
        at = _days(fired["as_of"])
        hit = acts.any_within(fired["account_id"], at, set(types), days)
        decided = hit | (_days(pd.Series([pd.Timestamp(as_of)]))[0] - at > days)
        n, k = int(decided.sum()), int(hit.sum())
        rows.append([flag.name, flag.label, flag.action, ", ".join(types), len(fired), n, k, k / n if n else None])
    return pd.DataFrame(rows, columns=PLAY_COLUMNS)


def _days(stamps: pd.Series) -> np.ndarray:
    """Whole days since 1970 of midnight timestamps (activity dates are normalised, as-of dates are days)."""
    return pd.to_datetime(stamps).to_numpy().astype("datetime64[D]").astype(np.int64)


class _ActivityDays:
    """Activities as sorted integer keys (account code x span + day), so "an activity of these types within N
    days after each firing" is one binary search per firing instead of a merge of firings with every activity."""

    def __init__(self, activities: pd.DataFrame):
        account, self.accounts = pd.factorize(activities["account_id"].astype(str))
        self.type_codes, self.types = pd.factorize(activities["activity_type"])
        day = _days(activities["activity_date"])
        self.base = int(day.min()) if len(day) else 0
        self.span = (int(day.max()) - self.base if len(day) else 0) + 2  # one account's days, and one before
        key = account.astype(np.int64) * self.span + (day - self.base)
        order = np.argsort(key, kind="stable")
        self.key, self.type_codes = key[order], self.type_codes[order]
        self.index = pd.Index(self.accounts)

    def any_within(self, account_ids: pd.Series, at: np.ndarray, types: set[str], days: int) -> np.ndarray:
        """Per firing (account, day at): an activity of one of `types` dated in (at, at + days]."""
        wanted = np.array([t in types for t in self.types] + [False], dtype=bool)[self.type_codes]
        keys = self.key[wanted]
        code = self.index.get_indexer(account_ids.astype(str))
        first = code.astype(np.int64) * self.span  # the account's first possible key
        start = first + np.clip(at - self.base, -1, None)
        after = np.searchsorted(keys, start, side="right")  # the account's first activity after the day at
        inside = (code >= 0) & (after < len(keys))
        found = np.zeros(len(at), dtype=bool)
        key = keys[after[inside]]
        day = key - first[inside] + self.base
        found[inside] = (key < first[inside] + self.span) & (day > at[inside]) & (day <= at[inside] + days)
        return found
