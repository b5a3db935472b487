"""Demo product usage: pre-aggregated rows per user, day and feature, driven by latent health.

Healthier accounts have more of their seats active, active on more days, using
more feature modules and more of the key (sticky) features. Volume is kept to a
few million rows by drawing a handful of active days per active user-month.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from chs_core.demo.draws import sigmoid
from chs_core.demo.people import Slots
from chs_core.demo.world import World

FEATURES = np.array(["dashboards", "reports", "search", "integrations", "automation", "team_management",
                     "api", "alerts", "exports", "sharing", "admin"])
FEATURE_WEIGHT = np.array([0.16, 0.13, 0.10, 0.09, 0.09, 0.07, 0.06, 0.08, 0.08, 0.08, 0.06])
CORE = np.array([0, 1, 2])  # always available: what disengaged users fall back to
# Offset of the adoption curve per feature: key features need a healthy account to stick.
ADOPTION = np.array([9.0, 9.0, 9.0, -0.1, -0.1, -0.3, 0.2, 0.6, 0.6, 0.5, 0.4])


def active_ratio(h: np.ndarray) -> np.ndarray:
    """Expected share of seats active in a month for latent health h."""
    return sigmoid(0.2 + 1.8 * h)


def _arrow_str(values: np.ndarray, codes: np.ndarray) -> pd.Series:
    # Taking through Arrow is ~20x faster than building millions of Python strings.
    return pa.array(values, type=pa.string()).take(pa.array(codes)).to_pandas()


def _business_days(start: np.datetime64, stop: np.datetime64) -> np.ndarray:
    days = np.arange(start, stop, dtype="datetime64[D]")
    return days[np.is_busday(days)]


def _month_rows(rng: np.random.Generator, world: World, slots: Slots, adopt_u: np.ndarray, t: int):
    """Usage rows for window month t as (slot code, day, feature, count) arrays."""
    acc = np.flatnonzero(world.active[:, t])
    h = world.health[acc, t]
    seats = world.seats[acc, t]
    rep = np.repeat(np.arange(len(acc)), seats)
    local = np.arange(len(rep)) - np.repeat(np.cumsum(seats) - seats, seats)
    slot = slots.offset[acc[rep]] + local
    ratio = active_ratio(h)
    gone = (t >= slots.left_t[slot]) & (t < slots.repl_t[slot])
    habit = slots.habit[slot]
    engaged = slots.rank[slot] + rng.normal(0, 0.12, len(slot)) < ratio[rep]
    on = np.where(np.isnan(habit), engaged, rng.random(len(slot)) < habit) & ~gone
    rep, slot = rep[on], slot[on]
    code = slot * 2 + (t >= slots.left_t[slot])

    # Active days per user-month: more for healthy accounts (depth).
    n_days = 1 + rng.poisson(0.4 + 1.4 * ratio[rep])
    u = np.repeat(np.arange(len(rep)), n_days)
    bdays = _business_days(world.month_starts[t], world.month_starts[t + 1])
    day = bdays[rng.integers(0, len(bdays), len(u))]
    per_day = 1 + (rng.random(len(u)) < 0.3)
    r = np.repeat(np.arange(len(u)), per_day)
    a = rep[u[r]]
    feat = rng.choice(len(FEATURES), size=len(r), p=FEATURE_WEIGHT)
    # A feature the account has not adopted this month falls back to a core feature.
    adopted = adopt_u[acc[a], feat] < sigmoid(ADOPTION[feat] + 1.6 * h[a])
    feat = np.where(adopted, feat, CORE[rng.integers(0, len(CORE), len(r))])
    count = 1 + rng.poisson(np.exp(1.0 + 0.3 * h[a]))
    code_r, day_r = code[u[r]], day[r]
    # One row per user, day and feature.
    key = (code_r.astype(np.int64) * 64 + (day_r - world.month_starts[t]).astype(np.int64)) * 16 + feat
    _, first = np.unique(key, return_index=True)
    # Narrow dtypes keep the ~5 million concatenated rows small.
    return (acc[a[first]].astype(np.int32), code_r[first].astype(np.int32), day_r[first],
            feat[first].astype(np.int8), count[first].astype(np.int32))


def build_usage(rng: np.random.Generator, world: World, slots: Slots, account_ids: np.ndarray,
                exclude: int | None = None) -> pd.DataFrame:
    """usage_events frame: account_id, user_id, event_date, feature, event_count.

    exclude: an account index whose rows are left out (the written story replaces them; dropping
    numbers here is far cheaper than filtering millions of strings afterwards).
    """
    adopt_u = rng.random((world.active.shape[0], len(FEATURES)))  # persistent per-account adoption draw
    parts = [_month_rows(rng, world, slots, adopt_u, t) for t in range(world.n_months)]
    if exclude is not None:
        parts = [tuple(col[p[0] != exclude] for col in p) for p in parts]
    columns = {}
    for i, (name, values) in enumerate((("account_id", account_ids), ("user_id", slots.user_ids),
                                        ("event_date", None), ("feature", FEATURES), ("event_count", None))):
        col = np.concatenate([p[i] for p in parts])
        if values is not None:
            columns[name] = _arrow_str(values, col)
        elif name == "event_date":
            columns[name] = pd.to_datetime(col.astype("datetime64[s]"))
        else:
            columns[name] = col.astype(np.int64)
        del col
    del parts
    return pd.DataFrame(columns, copy=False)
