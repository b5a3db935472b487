"""Demo people: contacts and the user seats behind usage_events (CSMs are in csms.py).

Each account has a pool of user "slots" (one per seat it ever holds). The first
slots belong to contacts (champion, admin, maybe the sponsor and a decision
maker, a few end users), so contacts.user_id links to usage_events.user_id. When
a contact leaves, their slot stops being used; a replacement gets a new user id.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chs_core.demo.draws import month_time
from chs_core.demo.world import World

FIRST = np.array(["Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Mateo", "Sofia", "Arjun", "Priya",
                  "Chen", "Yuki", "Hannah", "Jonas", "Amara", "Diego", "Fatima", "Tom", "Ingrid", "Kwame",
                  "Laura", "Marco", "Nina", "Omar", "Paula", "Ravi", "Sara", "Tariq", "Elena"])
LAST = np.array(["Smith", "Garcia", "Nguyen", "Müller", "Rossi", "Kim", "Patel", "Silva", "Johnson", "Brown",
                 "Dubois", "Kowalski", "Tanaka", "Okafor", "Larsen", "Haddad", "Martin", "Lopez", "Singh",
                 "Wang", "Fischer", "Novak", "Costa", "Ahmed", "Walsh", "Berg", "Ito", "Moreau", "Reyes", "Clarke"])
# Fixed slot layout inside each account's user pool.
SLOT_CHAMPION, SLOT_ADMIN, SLOT_SPONSOR, SLOT_DM, SLOT_END_USER = 0, 1, 2, 3, 4
END_USER_CONTACTS = np.array([1, 2, 3])  # by segment


@dataclass(frozen=True)
class Slots:
    """Per-slot user state: global slot index = offset[account] + local slot."""

    offset: np.ndarray  # int [N]
    rank: np.ndarray  # float [slots]: lower = more engaged (active when rank + jitter < active ratio)
    habit: np.ndarray  # float [slots]: monthly chance of logging in whatever the health (NaN: health-driven)
    left_t: np.ndarray  # int [slots]: month the occupant left (large when never)
    repl_t: np.ndarray  # int [slots]: month a replacement starts using the slot (large when never)
    pool: np.ndarray  # int [N]: slots per account (user ids are built on demand: user_ids)
    contact_start_t: np.ndarray  # int per contacts row: first month the contact is there (replacements join late)


def random_names(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.char.add(np.char.add(rng.choice(FIRST, n), " "), rng.choice(LAST, n))


def build_people(rng: np.random.Generator, world: World, account_ids: np.ndarray) -> tuple[pd.DataFrame, Slots]:
    """Contacts frame (contract columns) and the slot table used to draw usage."""
    n, T = world.active.shape
    never = 10 * T
    pool = np.maximum(world.seats.max(axis=1), 5)
    offset = np.concatenate([[0], np.cumsum(pool)[:-1]])
    n_slots = int(pool.sum())
    rank = rng.random(n_slots)
    rank[offset + SLOT_CHAMPION] = 0.02
    rank[offset + SLOT_ADMIN] = 0.06
    # Sponsors log in out of habit, whatever the account's health: exec_sponsor_active is a noise signal.
    habit = np.full(n_slots, np.nan)
    habit[offset + SLOT_SPONSOR] = rng.uniform(0.05, 0.6, n)
    rank[offset + SLOT_DM] = rng.uniform(0.15, 0.8, n)
    left_t = np.full(n_slots, never)
    repl_t = np.full(n_slots, never)
    end_t = np.minimum(world.churn_t, T)  # first month with no relationship left to observe

    acc, role, slot, champ, gen, left, joined = [], [], [], [], [], [], []

    def add(a, r, s, c, g, lt, jt=None):
        acc.append(a)
        role.append(np.full(len(a), r))
        slot.append(s)
        champ.append(c)
        gen.append(g)
        left.append(lt)
        joined.append(np.full(len(a), -1) if jt is None else jt)

    all_acc = np.arange(n)
    def first_shock(m):
        return np.where(m.any(axis=1), m.argmax(axis=1), never)
    champ_t = first_shock(world.shocks["champion_left"])
    admin_t = first_shock(world.shocks["admin_left"])
    reorg_t = first_shock(world.shocks["reorg"])
    sponsor_leaves = (reorg_t < never) & (rng.random(n) < 0.5)
    sponsor_logs = rng.random(n) < 0.55
    dm_logs = rng.random(n) < 0.7
    # Background departures with no health effect: noise a good score must see past.
    def drift():
        return np.where(rng.random(n) < 0.08, rng.integers(0, T, n), never)

    add(all_acc, "champion", np.full(n, SLOT_CHAMPION), np.ones(n, bool), np.zeros(n, int), champ_t)
    add(all_acc, "admin", np.full(n, SLOT_ADMIN), np.zeros(n, bool), np.zeros(n, int), admin_t)
    add(all_acc, "executive_sponsor", np.where(sponsor_logs, SLOT_SPONSOR, -1), np.zeros(n, bool),
        np.zeros(n, int), np.where(sponsor_leaves, reorg_t, never))
    dm_champ = rng.random(n) < 0.1
    add(all_acc, "decision_maker", np.where(dm_logs, SLOT_DM, -1), dm_champ, np.zeros(n, int), drift())
    big = np.flatnonzero(world.segment > 0)
    add(big, "decision_maker", np.full(len(big), -1), np.zeros(len(big), bool), np.zeros(len(big), int),
        drift()[big])
    k = END_USER_CONTACTS[world.segment]
    eu_acc = np.repeat(all_acc, k)
    eu_slot = SLOT_END_USER + np.arange(len(eu_acc)) - np.repeat(np.cumsum(k) - k, k)
    eu_left = np.where(rng.random(len(eu_acc)) < 0.1, rng.integers(0, T, len(eu_acc)), never)
    add(eu_acc, "end_user", eu_slot, np.zeros(len(eu_acc), bool), np.zeros(len(eu_acc), int), eu_left)

    # Replacements: a new champion for most accounts that stay, a new admin always.
    for t_left, s, r, c, p in ((champ_t, SLOT_CHAMPION, "champion", True, 0.7), (admin_t, SLOT_ADMIN, "admin", False, 1.0)):
        start = t_left + rng.integers(1, 3, n)
        rep = (t_left < never) & (start < end_t) & (rng.random(n) < p)
        ra = np.flatnonzero(rep)
        add(ra, r, np.full(len(ra), s), np.full(len(ra), c), np.ones(len(ra), int), np.full(len(ra), never), start[ra])
        repl_t[offset[ra] + s] = start[ra]

    acc, role, slot, champ, gen, left, joined = map(np.concatenate, (acc, role, slot, champ, gen, left, joined))
    left = np.where(left < end_t[acc], left, never)  # nobody is seen leaving after the account is gone
    has_slot = slot >= 0
    g = offset[acc[has_slot]] + slot[has_slot]
    first_gen = gen[has_slot] == 0
    left_t[g[first_gen]] = np.minimum(left_t[g[first_gen]], left[has_slot][first_gen])

    code = np.where(has_slot, (offset[acc] + np.maximum(slot, 0)) * 2 + gen, 0)
    left_date = np.where(left < never, month_time(rng, world, np.minimum(left, T - 1)), np.datetime64("NaT"))
    order = np.lexsort((gen, slot, acc))
    contacts = pd.DataFrame({
        "contact_id": [f"C{i:06d}" for i in range(1, len(acc) + 1)],
        "account_id": account_ids[acc[order]],
        "contact_name": random_names(rng, len(acc)),
        "role": role[order],
        "is_champion": champ[order],
        "user_id": pd.Series(np.where(has_slot, user_ids(account_ids, offset, code), None)[order], dtype="str"),
        "left_date": pd.to_datetime(left_date[order]),
    })
    return contacts, Slots(offset, rank, habit, left_t, repl_t, pool, joined[order])


def user_ids(account_ids: np.ndarray, offset: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """User id per code (global slot * 2 + generation): '<account>-U0007', replacements end in 'R'."""
    slot = codes // 2
    acc = np.searchsorted(offset, slot, side="right") - 1
    local = pd.Series(slot - offset[acc] + 1).astype("str").str.zfill(4)
    ids = pd.Series(account_ids[acc], dtype="str") + "-U" + local + np.where(codes % 2 == 1, "R", "")
    return ids.to_numpy(dtype=object)
