"""The at-risk work queue: one row per account with what is at stake, why, and what to do next. Vectorised.

Order (stated on the page and in the CLI): accounts renewing within `queue_renewal_first_days` come first,
then ARR at stake = ARR x (100 - score) / 100, largest first; accounts with no score come last.
Reasons: the two terms that cost the account the most points: a fired flag costs its penalty (plus what
its cap took off, for the flag whose cap binds), a metric the points it fell short of full marks
(weight share x (100 - metric score)). Next action: the most severe fired flag's action, else the tier's play.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from chs_core.model.schema import NO_DATA_TIER, Model
from chs_core.outcomes.alerts import score_drops
from chs_core.pipeline import metrics_with_accounts
from chs_core.scoring.explain import contributions
from chs_core.scoring.score import score_frame
from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.workspace import sql
from chs_core.workspace.words import SEVERITY_ORDER, metric_label, value_text

ORDER_RULE = ("Renewals within {days} days first, then ARR at stake = ARR × (100 − score) / 100, largest first; "
              "accounts with no score last.")
QUEUE_COLUMNS = ("account_id", "account_name", "segment", "region", "csm", "arr", "health_score", "tier", "coverage",
                 "change_7d", "change_30d", "drop_14d", "alert", "at_risk", "newly_at_risk", "reasons",
                 "days_to_renewal", "days_since_touch", "next_action", "flags", "stake", "renews_soon")


def queue_dates(as_of: date) -> list[date]:
    """The dates the queue compares: 30, 14 and 7 days back, and the as-of date."""
    return [as_of - timedelta(days=d) for d in (30, 14, 7, 0)]


def order_rule() -> str:
    return ORDER_RULE.format(days=setting("queue_renewal_first_days"))


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. scope 'at_risk': accounts below the at-risk cut-off; 'all': every account."""

    scope: str = "at_risk"
    tiers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # flag names; an account shows when any of them fired
    renewal_days: int | None = None
    alert: bool = False
    new: bool = False


def apply_filter(queue: pd.DataFrame, f: QueueFilter) -> pd.DataFrame:
    keep = np.ones(len(queue), dtype=bool)
    if f.scope == "at_risk":
        keep &= queue["at_risk"].to_numpy(dtype=bool)
    if f.tiers:
        keep &= queue["tier"].isin(f.tiers).to_numpy()
    if f.flags:
        keep &= np.logical_or.reduce([queue[f"flag_{n}"].to_numpy(dtype=bool) for n in f.flags if f"flag_{n}" in queue])
    if f.renewal_days is not None:
        d = queue["days_to_renewal"].to_numpy(dtype=float)
        keep &= (d >= 0) & (d <= f.renewal_days)
    if f.alert:
        keep &= queue["alert"].to_numpy(dtype=bool)
    if f.new:
        keep &= queue["newly_at_risk"].to_numpy(dtype=bool)
    return queue[keep]


def totals(queue: pd.DataFrame) -> tuple[int, float]:
    """(accounts, ARR) of the rows shown."""
    return len(queue), float(queue["arr"].fillna(0).sum())


def _reasons(scores, model: Model) -> pd.Series:
    """'Champion left (-15 pts); Active users 18% (-22 pts)' per row of scores.frame (vectorised)."""
    n = len(scores.frame)
    long = contributions(scores, np.arange(n))
    # One date: account ids are unique, so they give each long row its position in scores.frame.
    position = pd.Series(np.arange(n), index=scores.frame["account_id"].to_numpy())
    long["row"] = long["account_id"].map(position).to_numpy()
    metric = long["kind"] == "metric"
    lost = np.where(metric, long["weight_share"] * 100 - long["points"], -long["points"])
    long = long.assign(lost=lost)
    # What a binding cap took off is charged to the fired flag with the lowest cap.
    cut = long[(long["kind"] == "cap") & (long["name"] == "cap")].set_index("row")["lost"]
    long = long[long["kind"] != "cap"]
    frame = scores.frame
    binding = pd.Series(None, index=range(n), dtype=object)
    for fl in sorted((f for f in model.flags if f.cap is not None), key=lambda f: -f.cap):
        binding[frame[f"flag_{fl.name}"].to_numpy(dtype=bool)] = fl.name
    extra = cut.to_frame("cut").assign(name=binding.reindex(cut.index).to_numpy())
    long = long.merge(extra.reset_index(), on=["row", "name"], how="left")
    long["lost"] = long["lost"] + long["cut"].fillna(0.0)
    top = long[long["lost"] > 0.05].sort_values(["row", "lost"], ascending=[True, False]).groupby("row").head(2)
    return _joined_reasons(top, scores.raw, n)


def _joined_reasons(top: pd.DataFrame, raw: pd.DataFrame, n: int) -> np.ndarray:
    """'<what> (−N pts)' per row of top (sorted by row, at most two per row), joined with '; ' per scores row.
    Texts are made per metric name over arrays (no row objects): 170k reasons at 100k accounts."""
    rows, names = top["row"].to_numpy(), top["name"].to_numpy(dtype=object)
    what = top["label"].to_numpy(dtype=object).copy()
    for name in pd.unique(names[top["kind"].to_numpy() == "metric"]):
        at = np.flatnonzero((names == name) & (top["kind"].to_numpy() == "metric"))
        label = metric_label(name)
        what[at] = [f"{label} {value_text(name, v)}" for v in raw[name].to_numpy()[rows[at]].tolist()]
    text = np.array([f"{w} (−{lost:.0f} pts)" for w, lost in zip(what.tolist(), top["lost"].tolist())], dtype=object)
    out = np.full(n, "", dtype=object)
    first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=bool)
    out[rows[first]] = text[first]
    out[rows[~first]] = out[rows[~first]] + "; " + text[~first]
    return out


def _next_action(frame: pd.DataFrame, model: Model) -> np.ndarray:
    plays = {t.name: t.play for t in model.tiers} | {NO_DATA_TIER.name: NO_DATA_TIER.play}
    out = frame["tier"].astype(str).map(plays).to_numpy(dtype=object)
    ranked = sorted(model.flags, key=lambda f: (SEVERITY_ORDER.index(f.severity), -f.penalty), reverse=True)
    for fl in ranked:  # least severe first, so the most severe fired flag writes last and wins
        if fl.action:
            out = np.where(frame[f"flag_{fl.name}"].to_numpy(dtype=bool), fl.action, out)
    return out


def build_queue(metrics: pd.DataFrame, model: Model, as_of: date, touches: pd.DataFrame) -> pd.DataFrame:
    """The queue on `as_of` from metrics at queue_dates(as_of) (metrics_with_accounts rows) and last touches.

    touches: account_id, last_touch (date of the last held CSM activity on or before as_of).
    Out: QUEUE_COLUMNS plus flag_<name> per model flag, in the queue's order.
    """
    days = pd.to_datetime(metrics["as_of"]).dt.date
    now_metrics = metrics[days == as_of].reset_index(drop=True)
    scores = score_frame(now_metrics, model)
    frame = scores.frame.copy()
    frame["as_of"] = as_of
    earlier = score_frame(metrics[days != as_of].reset_index(drop=True), model, detail=False).frame  # scores only
    earlier["as_of"] = pd.to_datetime(earlier["as_of"]).dt.date
    for d, name in ((7, "change_7d"), (30, "change_30d")):
        then = earlier[earlier["as_of"] == as_of - timedelta(days=d)].set_index("account_id")["health_score"]
        frame[name] = frame["health_score"] - frame["account_id"].map(then)
    both = pd.concat([earlier[earlier["as_of"] == as_of - timedelta(days=model.alert.within_days)], frame])
    drops = score_drops(both, as_of, model.alert).set_index("account_id")["drop"]
    frame["drop_14d"] = frame["account_id"].map(drops)
    frame["alert"] = frame["drop_14d"].notna()
    week = earlier[earlier["as_of"] == as_of - timedelta(days=7)].set_index("account_id")["at_risk"]
    frame["newly_at_risk"] = frame["at_risk"] & ~frame["account_id"].map(week).fillna(False).astype(bool)
    frame["reasons"] = _reasons(scores, model)
    frame["next_action"] = _next_action(frame, model)
    frame["days_to_renewal"] = now_metrics["days_to_renewal"].to_numpy()
    last = pd.to_datetime(touches.set_index("account_id")["last_touch"]).astype("datetime64[ns]")
    touched = last.reindex(frame["account_id"].to_numpy()).to_numpy()  # NaT where never touched
    frame["days_since_touch"] = (np.datetime64(as_of, "ns") - touched) / np.timedelta64(1, "D")
    frame["stake"] = frame["arr"] * (100 - frame["health_score"]) / 100
    d = frame["days_to_renewal"].to_numpy(dtype=float)
    frame["renews_soon"] = (d >= 0) & (d <= setting("queue_renewal_first_days"))
    frame["tier"] = frame["tier"].astype(str)
    frame["flags"] = frame["flags"].astype(str)
    frame = frame.sort_values(["renews_soon", "stake", "arr"], ascending=[False, False, False], na_position="last")
    flag_cols = [f"flag_{f.name}" for f in model.flags]
    return frame[[c for c in QUEUE_COLUMNS if c in frame.columns] + flag_cols].reset_index(drop=True)


def touch_types() -> list[str]:
    """Activity types that count as a CSM touch (setting touch_types, shared with closing the loop)."""
    return [t.strip() for t in str(setting("touch_types")).split(",") if t.strip()]


def last_touches(ds: Dataset, as_of: date) -> pd.DataFrame:
    """account_id, last_touch: the last CSM touch (touch_types, held or no outcome) on or before as_of."""
    return ds.df(sql.LAST_TOUCH, {"as_of": as_of, "touch_types": touch_types()})


def queue_for(ds: Dataset, model: Model, as_of: date) -> pd.DataFrame:
    """build_queue on an open dataset (the CLI and the app's cached loader both call this)."""
    metrics = metrics_with_accounts(ds, queue_dates(as_of), model.signals)
    return build_queue(metrics, model, as_of, last_touches(ds, as_of))
