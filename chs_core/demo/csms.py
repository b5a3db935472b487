"""Demo CSMs: who owns which accounts, and how each of them responds to an account going bad.

CSMs review their book at each month end. An account whose latent health fell below
RISK_HEALTH that month, or that took a shock (champion or admin left, reorg, budget cut,
outage), is a risk moment; its CSM responds with their own probability and speed, some
within the practitioners' 14 days, some later, some never. The generator cannot know the
scores the model will compute: responses follow the hidden process, as a CSM's own judgement
would, so the loop view measures something real (a timely response lifts health).
"""
from __future__ import annotations

import numpy as np

# Books are assigned per segment, so Enterprise CSMs own few large accounts.
CSMS_BY_SEGMENT = (
    ("Jordan Blake", "Priya Raman", "Marcus Lee", "Sofia Alvarez", "Ethan Cole"),  # SMB
    ("Hannah Okafor", "Daniel Weiss", "Mei Tanaka", "Lucas Moreau"),  # Mid-Market
    ("Rachel Stein", "Omar Haddad", "Claire Dubois"),  # Enterprise
)
CSM_NAMES = np.array([name for names in CSMS_BY_SEGMENT for name in names])
# Per CSM (same order): chance of responding to a risk moment at all, and of doing it within 14 days
# when they do. Large SMB books are slower; Enterprise CSMs have time for every account.
RESPOND = np.array([0.80, 0.65, 0.50, 0.70, 0.35, 0.90, 0.70, 0.80, 0.45, 0.95, 0.85, 0.75])
QUICK = np.array([0.75, 0.60, 0.40, 0.55, 0.30, 0.80, 0.50, 0.65, 0.35, 0.85, 0.70, 0.60])
RISK_HEALTH = -0.4  # latent health below which a CSM's review calls the account at risk
LIFT_IN_TIME = 0.6  # health gained the month after a response within 14 days
LIFT_LATE = 0.25  # ... after a later one


def assign_csms(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    """Index into CSM_NAMES per account, drawn from the CSMs of its segment with uneven book sizes."""
    out = np.zeros(len(segment), dtype=np.int64)
    first = 0
    for seg, names in enumerate(CSMS_BY_SEGMENT):
        idx = np.flatnonzero(segment == seg)
        weights = np.linspace(1.3, 0.7, len(names))
        out[idx] = first + rng.choice(len(names), size=len(idx), p=weights / weights.sum())
        first += len(names)
    return out


def response_days(rng: np.random.Generator, csm: np.ndarray, moment: np.ndarray) -> np.ndarray:
    """Days from the month end to the CSM's first touch per account (-1: no response)."""
    n = len(csm)
    respond = moment & (rng.random(n) < RESPOND[csm])
    quick = rng.random(n) < QUICK[csm]
    days = np.where(quick, rng.integers(1, 15, n), rng.integers(15, 61, n))
    return np.where(respond, days, -1)
