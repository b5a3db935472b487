"""Closing the loop: from a flag to a CSM touch to what happened (time to response, intervention outcome).

Definitions (the loop page and `python -m chs_core loop` state them):
- flag: an account that went at risk at a month end of the score history (at risk there, not at risk or not
  scored at the month end before; the history's first month end is skipped, as when it went at risk is
  unknown), or that raised a score-drop alert there. A flag less than the horizon (3 months) after the
  account's previous flag belongs to the same episode and is not counted again.
- touch: a csm_activities row of a touch type (setting touch_types: meeting, call, qbr, training) held, or
  with no outcome given, dated after the flag date and on or before the as-of date.
- days to touch: from the flag date to the first touch. Touched in time: within target_touch_days (14).
  A flag younger than that with no touch yet is still open and counts in no share.
- outcome: the backtest's label (outcomes.labels): churned or contracted in some month of the horizon after
  the flag date. Saved = neither. Only flags whose whole horizon is in the data are judged.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from chs_core.model.schema import Alert
from chs_core.outcomes.labels import label_history
from chs_core.settings import setting
from chs_core.sources import Dataset

ACTIVITY_COLUMNS = ("account_id", "activity_date", "activity_type", "outcome")
HELD = ("held",)  # a missed, cancelled or scheduled activity is no touch
Z95 = 1.959963984540054
FLAG_COLUMNS = ("account_id", "account_name", "csm", "segment", "tier", "health_score", "arr", "reason")
ASSOCIATION = ("This is an association, not proof of cause: the CSMs chose whom to touch, and touched accounts "
               "may differ from the others (size, segment, how bad the warning was).")


def touch_types() -> tuple[str, ...]:
    return tuple(t.strip() for t in str(setting("touch_types")).split(",") if t.strip())


def touch_activities(ds: Dataset) -> pd.DataFrame:
    """csm_activities as the loop reads them (empty with the columns when the table was not supplied)."""
    return ds.table("csm_activities", ACTIVITY_COLUMNS, order_by=("account_id", "activity_date"))


def _per_value(values: pd.Series, test, missing: bool) -> np.ndarray:
    """test(value) for every row, evaluated once per distinct value (a few activity types, 6M rows)."""
    codes, uniques = pd.factorize(values)
    answers = np.array([bool(test(u)) for u in uniques] + [missing], dtype=bool)
    return answers[codes]  # code -1 (missing) takes the last answer


def held_activities(activities: pd.DataFrame, types: Iterable[str] | None = None) -> pd.DataFrame:
    """Activities of the given types (default: the touch types) that were held; outcome empty counts as held."""
    types = set(touch_types() if types is None else tuple(types))
    a = activities
    held = _per_value(a["outcome"], lambda v: str(v).strip().lower() in HELD, missing=True)
    kind = _per_value(a["activity_type"], lambda v: str(v).strip().lower() in types, missing=False)
    out = a.loc[held & kind, ["account_id", "activity_date", "activity_type"]].copy()
    out["account_id"] = out["account_id"].astype(str)
    out["activity_date"] = pd.to_datetime(out["activity_date"]).dt.normalize()
    return out.sort_values(["account_id", "activity_date"], ignore_index=True)


def _stamps(values: pd.Series) -> pd.Series:
    """as_of values (dates or timestamps) as datetime64[ns]: compared and merged without making date objects."""
    return pd.to_datetime(values).astype("datetime64[ns]")


def month_end_keys(history: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: an integer key (account code x number of month ends + month-end position) and that position. The
    month end before a row's is its key - 1; computed once, it serves turned_on for every column of a history."""
    day, dates = pd.factorize(history["as_of"], sort=True)
    account, _ = pd.factorize(history["account_id"])
    return account.astype(np.int64) * max(1, len(dates)) + day, day


def turned_on(history: pd.DataFrame, column: str, keys: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Rows where `column` is True at a month end and was not True at the history's month end before.

    Vectorised on month_end_keys (pass them when asking for several columns of one history)."""
    h = history[["account_id", "as_of", column]].copy()
    h[column] = h[column].astype("boolean").fillna(False).astype(bool)
    key, day = month_end_keys(h) if keys is None else keys
    on = h[column].to_numpy() & (day > 0)  # the history's first month end: when it turned on is unknown
    was_on = np.isin(key - 1, key[h[column].to_numpy()]) & (day > 0)
    return h[on & ~was_on].reset_index(drop=True)


def _alerts(h: pd.DataFrame, alert_scores: pd.DataFrame | None, alert: Alert) -> pd.DataFrame:
    """score_drops' rule at every month end in one merge: a fall of alert.drop_points since within_days before."""
    if alert_scores is None or not len(alert_scores):
        return pd.DataFrame(columns=["account_id", "as_of", "reason"])
    before = pd.DataFrame({"account_id": alert_scores["account_id"].astype(str),
                           "as_of": _stamps(alert_scores["as_of"]) + pd.Timedelta(days=alert.within_days),
                           "score_before": alert_scores["health_score"]})
    both = h[["account_id", "as_of", "health_score"]].merge(before, on=["account_id", "as_of"])
    fired = both[both["score_before"] - both["health_score"] >= alert.drop_points]
    return fired[["account_id", "as_of"]].assign(reason="score-drop alert")


def _one_row_per_flag(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (account, as_of) with its reasons joined in sorted order ("score-drop alert and went at risk").
    Each kind of flag gives a key at most once, so a key has one or two rows."""
    keys = ["account_id", "as_of"]
    events = events.sort_values([*keys, "reason"], ignore_index=True)
    second = events.duplicated(keys)
    head = events[~second].merge(events.loc[second, [*keys, "reason"]].rename(columns={"reason": "_and"}),
                                 on=keys, how="left")
    head["reason"] = head["reason"].where(head["_and"].isna(), head["reason"] + " and " + head["_and"])
    return head.drop(columns="_and")


def _episode_starts(events: pd.DataFrame, horizon: int) -> np.ndarray:
    """Per row (sorted by account, as_of): True when it opens an episode, at least horizon months after the
    account's previous episode start."""
    months = (events["as_of"].dt.year * 12 + events["as_of"].dt.month).tolist()
    keep, last = [], {}
    for account, m in zip(events["account_id"].tolist(), months):
        start = last.get(account)
        new = start is None or m - start >= horizon
        keep.append(new)
        if new:
            last[account] = m
    return np.array(keep, dtype=bool)


def flag_events(history: pd.DataFrame, alert: Alert, alert_scores: pd.DataFrame | None = None,
                horizon_months: int | None = None) -> pd.DataFrame:
    """One row per flag (account, flag_date): went at risk and/or raised a score-drop alert; see the module doc.

    history: scores at month ends (account_id, as_of, at_risk, health_score, tier, arr, + account columns).
    alert_scores: scores at each month end minus alert.within_days (so alerts can be checked there).
    flag_date is a date.
    """
    horizon = setting("backtest_horizon_months") if horizon_months is None else horizon_months
    h = history.assign(account_id=history["account_id"].astype(str), as_of=_stamps(history["as_of"]))
    risk = turned_on(h, "at_risk")[["account_id", "as_of"]].assign(reason="went at risk")
    events = pd.concat([risk, _alerts(h, alert_scores, alert)], ignore_index=True)
    if events.empty:
        return pd.DataFrame(columns=["flag_date", *FLAG_COLUMNS])
    events["as_of"] = _stamps(events["as_of"])
    events = _one_row_per_flag(events)
    # Episodes: a flag within the horizon after the account's previous counted flag is the same episode.
    events = events[_episode_starts(events, horizon)]
    extra = [c for c in FLAG_COLUMNS if c in h.columns and c not in ("account_id", "reason")]
    events = events.merge(h[["account_id", "as_of", *extra]], on=["account_id", "as_of"], how="left")
    events["as_of"] = events["as_of"].dt.date
    return events.rename(columns={"as_of": "flag_date"}).reset_index(drop=True)


def first_touches(flags: pd.DataFrame, touches: pd.DataFrame, as_of: date, within_days: int | None = None) -> pd.DataFrame:
    """flags plus first_touch (date), touch_type, days_to_touch and status: within, later, not touched, open.

    Only touches after the flag date and on or before as_of count (point in time).
    """
    days = setting("target_touch_days") if within_days is None else within_days
    f = flags[pd.to_datetime(flags["flag_date"]) <= pd.Timestamp(as_of)].copy()
    f["_flag"] = pd.to_datetime(f["flag_date"])
    t = touches[touches["activity_date"] <= pd.Timestamp(as_of)]
    joined = f[["account_id", "_flag"]].merge(t, on="account_id")
    joined = joined[joined["activity_date"] > joined["_flag"]].sort_values("activity_date")
    first = joined.drop_duplicates(["account_id", "_flag"])
    f = f.merge(first.rename(columns={"activity_date": "first_touch", "activity_type": "touch_type"}),
                on=["account_id", "_flag"], how="left")
    f["days_to_touch"] = (f["first_touch"] - f["_flag"]).dt.days
    age = (pd.Timestamp(as_of) - f["_flag"]).dt.days
    f["status"] = np.select([f["days_to_touch"] <= days, f["days_to_touch"] > days, age > days],
                            ["within", "later", "not touched"], default="open")
    f["first_touch"] = f["first_touch"].dt.date
    return f.drop(columns="_flag")


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval (95% by default) for a share; (None, None) when n is 0."""
    if n == 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def response_shares(touched: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Per value of `by` (None: everyone): flags decided, touched in time, share, median days to touch, not touched."""
    decided = touched[touched["status"] != "open"]
    key = decided[by].astype(object).fillna("Unassigned") if by else pd.Series("All", index=decided.index, dtype=object)
    status = decided["status"].astype(str)
    parts = pd.DataFrame({"_key": key.astype(str), "within": status == "within", "later": status == "later",
                          "never": status == "not touched",
                          "days": pd.to_numeric(decided["days_to_touch"], errors="coerce")})
    g = parts.groupby("_key")
    out = pd.DataFrame({"flags": g.size(), "touched_in_time": g["within"].sum(), "touched_later": g["later"].sum(),
                        "not_touched": g["never"].sum(), "median_days_to_touch": g["days"].median()})
    if by is None and out.empty:
        out = pd.DataFrame({"flags": [0], "touched_in_time": [0], "touched_later": [0], "not_touched": [0],
                            "median_days_to_touch": [np.nan]}, index=pd.Index(["All"], name="_key"))
    counts = ["flags", "touched_in_time", "touched_later", "not_touched"]
    out[counts] = out[counts].astype(int)
    out["share_in_time"] = out["touched_in_time"] / out["flags"].where(out["flags"] > 0)
    out = out.rename_axis(by or "group").reset_index()
    return out.sort_values(["share_in_time", "flags"], ascending=[True, False], ignore_index=True)


@dataclass(frozen=True)
class OutcomeGroup:
    """Flags of one response group whose horizon has passed, and the share saved (not churned or contracted)."""

    group: str
    flags: int
    saved: int
    share_saved: float | None
    ci_low: float | None  # Wilson 95% interval of share_saved
    ci_high: float | None


OUTCOME_GROUPS = {"touched in time": ("within",), "not touched in time": ("later", "not touched"),
                  "touched later": ("later",), "not touched": ("not touched",)}


def intervention_outcomes(touched: pd.DataFrame, arr: pd.DataFrame, horizon_months: int,
                          end_month: date | None) -> tuple[list[OutcomeGroup], pd.DataFrame]:
    """Saved share per response group (with the Wilson interval) and the judged flags behind them.

    Judged by the backtest's labels (outcomes.labels.label_history), so "churned or contracted" means the same
    here as in the backtest: no ARR, or less ARR than in the flag month, in some month of the horizon.
    """
    decided = touched[touched["status"] != "open"].reset_index(drop=True)
    labels = label_history(decided.assign(as_of=pd.to_datetime(decided["flag_date"])), arr, horizon_months, end_month)
    judged = decided.iloc[labels.rows].reset_index(drop=True)
    judged["churned"] = labels.churned
    judged["contracted"] = labels.lost & ~labels.churned
    judged["saved"] = ~labels.lost
    groups = []
    for name, statuses in OUTCOME_GROUPS.items():
        rows = judged[judged["status"].isin(statuses)]
        n, k = len(rows), int(rows["saved"].sum())
        groups.append(OutcomeGroup(name, n, k, k / n if n else None, *wilson(k, n)))
    return groups, judged
