"""Demo CSM activities: meetings, QBRs, trainings, renewal meetings, calls, emails and free-text notes.

Unhealthy accounts meet less, miss more meetings (renewal meetings included) and
produce notes about competitors and budget; healthy ones produce upbeat notes.
Risk phrases always contain "competitor" or "budget" so keyword matching finds
them, and upbeat or neutral notes avoid every default risk keyword.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from chs_core.demo.draws import live_months, month_time, sigmoid
from chs_core.demo.world import World

COMPETITOR_NOTES = np.array([
    "Customer evaluating a competitor (Acme Analytics)",
    "Champion mentioned a competitor demo with Northwind Insights",
    "Competitor Globex Metrics pitched their VP Ops on price",
    "Asked how we compare with a competitor (Initech BI) on automation",
])
BUDGET_NOTES = np.array([
    "Budget review next quarter, CFO asking for cost cutting",
    "Budget freeze announced, seat count under review",
    "Finance flagged budget pressure ahead of renewal",
    "Sponsor says budget for tools is being cut next year",
])
POSITIVE_NOTES = np.array([
    "Great QBR, asked about the automation add-on",
    "Rolled out integrations to two more teams, very happy",
    "Sponsor shared a success story we can use as a reference",
    "Asked for a quote for 10 more seats",
])
NEUTRAL_NOTES = np.array([
    "Routine check-in, no open issues",
    "Admin asked for help with SSO setup",
    "Shared release notes on the new dashboards",
    "Walked through reporting options with the admin",
])
SHOCK_NOTES = {
    "champion_left": "Our champion has left the company, need a new contact",
    "admin_left": "Admin left; new admin not yet trained on team management",
    "reorg": "Reorg announced, sponsor moved to another division",
    "outage": "Customer upset about last week's outage and sync failures",
}
MEETINGS_PER_MONTH = np.array([0.25, 0.7, 1.4])  # by segment
CALLS_PER_MONTH = np.array([0.3, 0.5, 0.8])
EMAILS_PER_MONTH = np.array([0.8, 1.5, 2.5])


def _rows(acc, t, kind, outcome, notes):
    n = len(acc)
    return acc, t, np.full(n, kind) if np.isscalar(kind) else kind, outcome, notes


def _outcome(rng, h, base: float, slope: float) -> np.ndarray:
    held = rng.random(len(h)) < sigmoid(base + slope * h)
    return np.where(held, "held", np.where(rng.random(len(h)) < 0.65, "missed", "cancelled"))


def _renewal_meetings(rng: np.random.Generator, world: World):
    """Renewal meetings one month (all) and two months (MM/Ent) before each renewal, incl. the one after the end."""
    n, T = world.active.shape
    renew = np.concatenate([world.renewal, np.zeros((n, 2), bool)], axis=1)
    after = (world.renewal_date.astype("datetime64[M]") - world.month_starts[0].astype("datetime64[M]")).astype(np.int64)
    live_end = world.churn_t >= T
    for k in (T, T + 1):
        renew[:, k] = live_end & (after == k)
    acc, t = [], []
    for lead in (1, 2):
        a, r = np.nonzero(renew)
        keep = (r - lead >= 0) & (r - lead < T) & ((lead == 1) | (world.segment[a] > 0))
        a, m = a[keep], r[keep] - lead
        keep = world.active[a, m]
        acc.append(a[keep])
        t.append(m[keep])
    acc, t = np.concatenate(acc), np.concatenate(t)
    # Accounts heading for the exit stop turning up: the missed renewal meeting flag.
    outcome = _outcome(rng, world.health[acc, t], 2.0, 2.2)
    return _rows(acc, t, "renewal_meeting", outcome, np.full(len(acc), None, dtype=object))


def _notes(rng: np.random.Generator, world: World, acc, t, h):
    """Note rows per live account-month; returns (acc, t, text)."""
    budget_now = world.shocks["budget_cut"][acc, t] | world.shocks["budget_cut"][acc, np.maximum(t - 1, 0)]
    specs = [
        (sigmoid(-3.9 - 1.9 * h), COMPETITOR_NOTES),
        (np.maximum(0.6 * budget_now, sigmoid(-4.3 - 1.4 * h)), BUDGET_NOTES),
        (sigmoid(-2.6 + 1.4 * h), POSITIVE_NOTES),
        (np.full(len(acc), 0.10), NEUTRAL_NOTES),
    ]
    out_a, out_t, out_text = [], [], []
    for p, pool in specs:
        hit = rng.random(len(acc)) < p
        out_a.append(acc[hit])
        out_t.append(t[hit])
        out_text.append(pool[rng.integers(0, len(pool), hit.sum())])
    for name, text in SHOCK_NOTES.items():
        hit = world.shocks[name][acc, t] & (rng.random(len(acc)) < 0.8)
        out_a.append(acc[hit])
        out_t.append(t[hit])
        out_text.append(np.full(hit.sum(), text))
    return np.concatenate(out_a), np.concatenate(out_t), np.concatenate(out_text)


# What a CSM does about a risk moment, by its cause (first match wins); plain health falls get a call.
RESPONSES = (
    ("admin_left", "training", "Trained the new admin on team management and the key features"),
    ("champion_left", "meeting", "Met the new champion, agreed a success plan"),
    ("reorg", "meeting", "Met the new sponsor after the reorg, walked through the value we deliver"),
    ("budget_cut", "meeting", "ROI review with the budget owner"),
    ("outage", "call", "Called the admin about the outage: cause, fix and credits"),
)
LOW_HEALTH_RESPONSE = ("call", "Health review call: usage down, agreed next steps with the admin")


def _responses(world: World):
    """The CSMs' responses to risk moments: (account, month, type, notes, day), dated on or before the end."""
    acc, t = np.nonzero(world.response >= 0)
    day = world.month_starts[t + 1] - np.timedelta64(1, "D") + world.response[acc, t].astype("timedelta64[D]")
    keep = day <= world.end_date
    acc, t, day = acc[keep], t[keep], day[keep]
    kind = np.full(len(acc), LOW_HEALTH_RESPONSE[0], dtype=object)
    notes = np.full(len(acc), LOW_HEALTH_RESPONSE[1], dtype=object)
    done = np.zeros(len(acc), dtype=bool)
    for shock, activity, note in RESPONSES:
        hit = world.shocks[shock][acc, t] & ~done
        kind[hit], notes[hit] = activity, note
        done |= hit
    return acc, t, kind.astype(str), notes, day


def build_activities(rng: np.random.Generator, world: World, account_ids: np.ndarray) -> pd.DataFrame:
    """csm_activities frame: account_id, activity_date, activity_type, outcome, notes."""
    acc, t = live_months(world)
    h = world.health[acc, t]
    seg = world.segment[acc]
    parts = []
    for kind, rate, base in (("meeting", MEETINGS_PER_MONTH, 1.8), ("call", CALLS_PER_MONTH, 1.5)):
        k = rng.poisson(rate[seg] * np.exp(0.4 * h))
        a, m = np.repeat(acc, k), np.repeat(t, k)
        parts.append(_rows(a, m, kind, _outcome(rng, world.health[a, m], base, 1.2), np.full(len(a), None, dtype=object)))
    k = rng.poisson(EMAILS_PER_MONTH[seg])
    a, m = np.repeat(acc, k), np.repeat(t, k)
    parts.append(_rows(a, m, "email", np.full(len(a), "held"), np.full(len(a), None, dtype=object)))
    # QBRs every quarter for Mid-Market and Enterprise, on a per-account cycle.
    phase = (world.customer_since.astype("datetime64[M]").astype(np.int64) % 3)[acc]
    month_idx = world.month_starts[t].astype("datetime64[M]").astype(np.int64)
    q = (seg > 0) & (month_idx % 3 == phase)
    parts.append(_rows(acc[q], t[q], "qbr", _outcome(rng, h[q], 1.6, 1.5), np.full(q.sum(), None, dtype=object)))
    # Trainings: onboarding and occasional refreshers (trainings that answer a risk moment come below).
    onboarding = (t - world.start_t[acc] < 3) & (world.start_t[acc] > 0)
    p_train = np.where(onboarding, 0.6, 0.05)
    tr = rng.random(len(acc)) < p_train
    parts.append(_rows(acc[tr], t[tr], "training", np.full(tr.sum(), "held"), np.full(tr.sum(), None, dtype=object)))
    parts.append(_renewal_meetings(rng, world))
    na, nt, text = _notes(rng, world, acc, t, h)
    parts.append(_rows(na, nt, "note", np.full(len(na), "held"), text.astype(object)))

    a, m, kind, outcome, notes = (np.concatenate(x) for x in zip(*parts))
    day = month_time(rng, world, m)
    ra, rm, rkind, rnotes, rday = _responses(world)
    a, m, kind, notes, day = (np.concatenate(x) for x in ((a, ra), (m, rm), (kind, rkind), (notes, rnotes), (day, rday)))
    outcome = np.concatenate([outcome, np.full(len(ra), "held")])
    order = np.lexsort((kind, day, a))
    return pd.DataFrame({
        "account_id": account_ids[a[order]],
        "activity_date": pd.to_datetime(day[order]),
        "activity_type": kind[order],
        "outcome": outcome[order],
        "notes": pd.Series(notes[order], dtype="str"),
    })
