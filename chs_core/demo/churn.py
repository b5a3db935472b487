"""How demo customers decide to leave: an exit intent forms first, the ARR ends one to three months later.

Two kinds of plan (world.monthly_plan): half of SMB customers are on monthly plans they can
end in any month; everyone else has an annual contract that ends only at its anniversary.
A customer whose (observed) health is low may form the intent to leave: monthly customers in
any month, annual ones during the three months before their renewal (the renewal review).
From then on they disengage (DRAG lowers the observed health every signal is drawn from), and
they leave one to three months later: monthly customers after EXIT_LAG months, annual ones at
the renewal (most of them). So signals decline one to three months before churn, and renewal
timing alone no longer explains it. A CSM's timely response talks some of them out of it.
"""
from __future__ import annotations

import numpy as np

from chs_core.demo.draws import sigmoid

MONTHLY_SHARE = np.array([0.5, 0.0, 0.0])  # by segment: SMB, Mid-Market, Enterprise
DRAG = 0.6  # observed health lost while a customer means to leave
TALK_OUT_P = 0.5  # chance a response within 14 days cancels the intent
ANNUAL_LEAVE_P = 0.85  # an annual customer with the intent at its renewal leaves
FLOOR = (0.002, 0.012)  # health-blind churn (acquired, shut down): per month (monthly), per renewal (annual)


def intent_hazard(h: np.ndarray, monthly: np.ndarray) -> np.ndarray:
    """Chance per month of forming the intent to leave at observed health h."""
    # Monthly: about 8 % a year at average SMB health (0.25), about half at -0.5. Annual: a third of
    # the old renewal-time odds per review month, so about 3 % / 30 % over the three months.
    return np.where(monthly, sigmoid(-4.7 - 2.85 * h), sigmoid(-3.8 - 3.4 * h))


class ExitIntent:
    """Per-account intent state through the month-by-month simulation."""

    def __init__(self, rng: np.random.Generator, monthly: np.ndarray):
        n = len(monthly)
        self.rng, self.monthly = rng, monthly
        self.since = np.full(n, -1)  # month the intent formed (-1: none)
        self.exit_t = np.full(n, -1)  # month a monthly customer's ARR ends

    def step(self, t: int, h: np.ndarray, live: np.ndarray, new: np.ndarray, to_renewal: np.ndarray,
             timely: np.ndarray) -> np.ndarray:
        """Update the intent for month t; return the observed health (h less the disengagement drag)."""
        n = len(h)
        talked_out = (self.since >= 0) & timely & (self.rng.random(n) < TALK_OUT_P)
        self.since[talked_out] = -1
        window = self.monthly | ((to_renewal >= 1) & (to_renewal <= 3))
        can = live & ~new & (self.since < 0) & window
        form = can & (self.rng.random(n) < intent_hazard(h, self.monthly))
        self.since[form] = t
        lag = self.rng.integers(1, 4, n)
        self.exit_t = np.where(form & self.monthly, t + lag, self.exit_t)
        return h - DRAG * (self.since >= 0)

    def leaves(self, t: int, live: np.ndarray, is_renewal: np.ndarray, fresh: np.ndarray) -> np.ndarray:
        """Who ends their ARR this month; annual customers that renew drop the intent.

        fresh: accounts in their first window month, which always pay for it (so every account has ARR).
        """
        n = len(live)
        live = live & ~fresh
        floor = self.rng.random(n) < np.where(self.monthly, FLOOR[0], FLOOR[1])
        intent = self.since >= 0
        monthly_exit = live & self.monthly & ((intent & (self.exit_t == t)) | floor)
        annual = live & ~self.monthly & is_renewal
        annual_exit = annual & ((intent & (self.rng.random(n) < ANNUAL_LEAVE_P)) | floor)
        self.since[annual & ~annual_exit] = -1
        return monthly_exit | annual_exit
