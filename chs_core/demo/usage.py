"""Demo product usage: pre-aggregated rows per user, day and feature, driven by latent health.

Healthier accounts have more of their seats active, active on more days, using
more feature modules and more of the key (sticky) features. Volume is kept to a
few million rows by drawing a handful of active days per active user-month.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from chs_core.demo.draws import sigmoid
from chs_core.demo.people import SLOT_END_USER, Slots, user_ids
from chs_core.demo.world import World

FEATURES = np.array(["dashboards", "reports", "search", "integrations", "automation", "team_management",
                     "api", "alerts", "exports", "sharing", "admin"])
FEATURE_WEIGHT = np.array([0.16, 0.13, 0.10, 0.09, 0.09, 0.07, 0.06, 0.08, 0.08, 0.08, 0.06])
ACCOUNTS_PER_CHUNK = 4000  # accounts drawn (and written) together: bounds memory at any book size
CORE = np.array([0, 1, 2])  # always available: what disengaged users fall back to
CONTACT_SLOTS = SLOT_END_USER + 3  # the first slots of each pool can be contacts: their usage is always kept
# Offset of the adoption curve per feature: key features need a healthy account to stick.
ADOPTION = np.array([9.0, 9.0, 9.0, -0.1, -0.1, -0.3, 0.2, 0.6, 0.6, 0.5, 0.4])


def active_ratio(h: np.ndarray) -> np.ndarray:
    """Expected share of seats active in a month for latent health h."""
    return sigmoid(0.2 + 1.8 * h)


def _business_days(start: np.datetime64, stop: np.datetime64) -> np.ndarray:
    days = np.arange(start, stop, dtype="datetime64[D]")
    return days[np.is_busday(days)]


def _month_rows(rng: np.random.Generator, world: World, slots: Slots, adopt_u: np.ndarray, t: int, lo: int, hi: int):
    """Usage rows of accounts [lo, hi) for window month t as (account, slot code, day, feature, count) arrays."""
    acc = lo + np.flatnonzero(world.active[lo:hi, t])
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
    adopted = adopt_u[acc[a] - lo, feat] < sigmoid(ADOPTION[feat] + 1.6 * h[a])
    feat = np.where(adopted, feat, CORE[rng.integers(0, len(CORE), len(r))])
    count = 1 + rng.poisson(np.exp(1.0 + 0.3 * h[a]))
    code_r, day_r = code[u[r]], day[r]
    # One row per user, day and feature.
    key = (code_r.astype(np.int64) * 64 + (day_r - world.month_starts[t]).astype(np.int64)) * 16 + feat
    _, first = np.unique(key, return_index=True)
    # Narrow dtypes keep the ~5 million concatenated rows small.
    return (acc[a[first]].astype(np.int32), code_r[first].astype(np.int32), day_r[first],
            feat[first].astype(np.int8), count[first].astype(np.int32))


def tracked(slots: Slots, acc: np.ndarray, slot: np.ndarray, share: float) -> np.ndarray:
    """Whether a user slot's usage is kept when only `share` of the non-contact users is recorded.

    A fixed hash of the slot decides (no random draw), so share=1 leaves every stream as it was, and a
    smaller share keeps a subset of users with all of their rows, not a sample of rows.
    """
    if share >= 1:
        return np.ones(len(slot), dtype=bool)
    local = slot - slots.offset[acc]
    spread = (slot.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)  # Fibonacci hash, 24 bits
    return (local < CONTACT_SLOTS) | (spread.astype(np.float64) < share * 2.0 ** 24)


def usage_chunks(rng_for: Callable[[int], np.random.Generator], world: World, slots: Slots,
                 account_ids: np.ndarray, exclude: int | None = None, share: float = 1.0) -> Iterator[pa.Table]:
    """usage_events as Arrow tables, one per ACCOUNTS_PER_CHUNK accounts (contract columns and order).

    rng_for(chunk number) gives each chunk its own random stream, so the rows depend on the seed and the
    chunk size only, never on memory. exclude: an account index whose rows are left out (the written story
    replaces them). share: the fraction of non-contact users whose usage is recorded (see tracked; the
    scale benchmark's 50M-event book). Ids are dictionary-encoded per chunk: no string array outgrows 2 GB.
    """
    n = world.active.shape[0]
    for k, lo in enumerate(range(0, n, ACCOUNTS_PER_CHUNK)):
        hi = min(n, lo + ACCOUNTS_PER_CHUNK)
        rng = rng_for(k)
        adopt_u = rng.random((hi - lo, len(FEATURES)))  # persistent per-account adoption draw
        parts = [_month_rows(rng, world, slots, adopt_u, t, lo, hi) for t in range(world.n_months)]
        acc, code, day, feat, count = (np.concatenate([p[i] for p in parts]) for i in range(5))
        del parts
        keep = tracked(slots, acc, code // 2, share)
        if exclude is not None and lo <= exclude < hi:
            keep &= acc != exclude
        if not keep.all():
            acc, code, day, feat, count = acc[keep], code[keep], day[keep], feat[keep], count[keep]
        codes, code_idx = np.unique(code, return_inverse=True)
        yield pa.table({
            "account_id": pa.DictionaryArray.from_arrays(pa.array(acc - lo, pa.int32()), pa.array(account_ids[lo:hi], pa.string())),
            "user_id": pa.DictionaryArray.from_arrays(pa.array(code_idx.astype(np.int32)),
                                                      pa.array(user_ids(account_ids, slots.offset, codes), pa.string())),
            "event_date": pa.array(day.astype("datetime64[s]")),
            "feature": pa.DictionaryArray.from_arrays(pa.array(feat.astype(np.int32)), pa.array(FEATURES, pa.string())),
            "event_count": pa.array(count.astype(np.int64)),
        })


def decoded(table: pa.Table) -> pd.DataFrame:
    """A usage chunk as a pandas frame with plain string columns (for the in-memory demo)."""
    cols = {name: (col.dictionary_decode() if pa.types.is_dictionary(col.type) else col)
            for name, col in zip(table.column_names, (c.combine_chunks() for c in table.columns))}
    frame = pa.table(cols).to_pandas()
    for name in ("account_id", "user_id", "feature"):
        frame[name] = frame[name].astype("str")
    return frame
