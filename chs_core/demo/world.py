"""The hidden world behind the demo data: accounts, their latent health and their contract history.

Everything observable (usage, tickets, NPS, notes, invoices, contacts) is drawn
later from the arrays simulated here, so churn and contraction are caused by the
same latent health that moves the signals, never by the signals themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

import numpy as np

from chs_core.contract import SEGMENTS
from chs_core.demo.churn import MONTHLY_SHARE, ExitIntent
from chs_core.demo.csms import LIFT_IN_TIME, LIFT_LATE, RISK_HEALTH, assign_csms, response_days
from chs_core.demo.draws import sigmoid

# Segment index order follows contract.SEGMENTS: 0 SMB, 1 Mid-Market, 2 Enterprise.
SEGMENT_SHARE = np.array([0.60, 0.30, 0.10])
SEAT_MEDIAN = np.array([11.0, 55.0, 230.0])
SEAT_RANGE = np.array([[5, 25], [25, 120], [120, 600]])
PRICE_PER_SEAT = np.array([1000.0, 1150.0, 1350.0])
HEALTH_MEAN = np.array([0.25, 0.40, 0.55])  # larger customers are better served, so healthier on average

RHO = 0.80  # month-to-month persistence of latent health: shocks fade over ~3-6 months
NOISE = 0.25
BURN_IN = 6  # months simulated before the window so health at the start is already "lived in"
INITIAL_SHARE = 0.74  # accounts already customers when the window opens; the rest is new business

# Shocks: monthly hazard per live account and immediate drop in latent health.
SHOCKS = {
    "champion_left": (0.012, -1.3),
    "admin_left": (0.008, -0.7),
    "reorg": (0.008, -0.9),
    "budget_cut": (0.009, -1.0),
    "outage": (0.010, -0.7),
}
BAD_ONBOARDING_P = 0.15


@dataclass(frozen=True)
class World:
    """Latent simulation state; arrays are [account] or [account, month] (month 0 = first window month)."""

    month_starts: np.ndarray  # datetime64[D], n_months + 1 entries (the last is the day after the end)
    segment: np.ndarray  # int, index into contract.SEGMENTS
    customer_since: np.ndarray  # datetime64[D]
    start_t: np.ndarray  # first window month with ARR (0 for accounts already live)
    churn_t: np.ndarray  # first month without ARR after churn, or n_months when never churned
    active: np.ndarray  # bool [N, T]: paying this month
    seats: np.ndarray  # int [N, T], 0 when inactive
    arr: np.ndarray  # float [N, T], 0 when inactive
    health: np.ndarray  # float [N, T], observed health every signal is drawn from (latent health less the
    # disengagement of a customer that means to leave; higher is better)
    renewal: np.ndarray  # bool [N, T]: contract anniversary this month (renewed, contracted or churned)
    shocks: dict  # name -> bool [N, T]
    intervention: np.ndarray  # bool [N, T]: a CSM responded within 14 days to last month's risk moment
    csm: np.ndarray  # int [N], index into csms.CSM_NAMES
    moment: np.ndarray  # bool [N, T]: risk moment at this month's review (health fell below RISK_HEALTH, or a shock)
    response: np.ndarray  # int16 [N, T]: days after this month's end to the CSM's response (-1: none)
    bad_onboarding: np.ndarray  # bool [N]
    monthly_plan: np.ndarray  # bool [N]: can end in any month (churn.py), else annual
    renewal_date: np.ndarray  # datetime64[D]: next anniversary after the end, or the one at which it churned

    @property
    def n_months(self) -> int:
        return self.active.shape[1]

    def accounts(self, lo: int, hi: int) -> World:
        """The same world restricted to accounts [lo, hi) (tables too big to build whole go in chunks)."""
        cut = {f.name: getattr(self, f.name)[lo:hi] for f in fields(self) if f.name not in ("month_starts", "shocks")}
        return replace(self, shocks={k: v[lo:hi] for k, v in self.shocks.items()}, **cut)

    @property
    def end_date(self) -> np.datetime64:
        return self.month_starts[-1] - np.timedelta64(1, "D")


def month_starts(end_month: date, n_months: int) -> np.ndarray:
    """First day of each window month plus the first day after the window."""
    last = np.datetime64(end_month, "M")
    return (last - (n_months - 1) + np.arange(n_months + 1)).astype("datetime64[D]")


def _draw_accounts(rng: np.random.Generator, n: int, starts: np.ndarray):
    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    lo, hi = SEAT_RANGE[segment, 0], SEAT_RANGE[segment, 1]
    seats = np.clip(np.round(SEAT_MEDIAN[segment] * rng.lognormal(0, 0.45, n)), lo, hi).astype(np.int64)
    price = PRICE_PER_SEAT[segment] * np.clip(rng.lognormal(0, 0.12, n), 0.8, 1.25)
    n_months = len(starts) - 1
    initial = rng.random(n) < INITIAL_SHARE
    # New business arrives fairly evenly, slightly growing over the window.
    weights = np.linspace(0.8, 1.2, n_months)
    start_t = np.where(initial, 0, rng.choice(n_months, size=n, p=weights / weights.sum()))
    day = rng.integers(0, 28, n).astype("timedelta64[D]")
    # Live accounts signed 1-72 months before the window, so their anniversaries are spread over the year.
    signed = np.where(initial, -rng.integers(1, 73, n), start_t)
    since_month = np.datetime64(starts[0], "M") + signed
    customer_since = since_month.astype("datetime64[D]") + day
    return segment, seats, price, start_t, customer_since


def simulate_world(rng: np.random.Generator, n_accounts: int, end_month: date, n_months: int) -> World:
    """Simulate latent health, shocks, renewals, expansion, contraction and churn month by month."""
    starts = month_starts(end_month, n_months)
    segment, seats0, price, start_t, customer_since = _draw_accounts(rng, n_accounts, starts)
    csm = assign_csms(rng, segment)
    n, T = n_accounts, n_months
    monthly_plan = rng.random(n) < MONTHLY_SHARE[segment]
    exits = ExitIntent(rng, monthly_plan)
    bad = (start_t > 0) & (rng.random(n) < BAD_ONBOARDING_P)
    # A bad onboarding leaves a lasting dent, so those accounts tend to churn at the first renewal.
    mu = HEALTH_MEAN[segment] + rng.normal(0, 0.3, n) - 0.6 * bad
    anniversary = (customer_since.astype("datetime64[M]").astype(np.int64)) % 12
    window_month = (starts[:-1].astype("datetime64[M]").astype(np.int64)) % 12

    h_prev = mu + rng.normal(0, NOISE / np.sqrt(1 - RHO**2), n)
    for _ in range(BURN_IN):
        h_prev = mu + RHO * (h_prev - mu) + NOISE * rng.normal(size=n)
    hist = [h_prev.copy() for _ in range(3)]  # last three months of health, for renewal decisions

    health = np.zeros((n, T))
    active = np.zeros((n, T), dtype=bool)
    seats = np.zeros((n, T), dtype=np.int64)
    arr = np.zeros((n, T))
    renewal = np.zeros((n, T), dtype=bool)
    shocks = {k: np.zeros((n, T), dtype=bool) for k in SHOCKS}
    intervention = np.zeros((n, T), dtype=bool)
    moment = np.zeros((n, T), dtype=bool)
    response = np.full((n, T), -1, dtype=np.int16)
    late_lift = np.zeros(n)  # a late response helps a month later than a timely one
    churned = np.zeros(n, dtype=bool)
    churn_t = np.full(n, T)
    cur_seats = seats0.copy()
    # Growth stops at 2.5x the initial seats (and 1.5x the segment's top), keeping row volumes in check.
    seat_cap = np.minimum(2.5 * seats0, 1.5 * SEAT_RANGE[segment, 1])
    budget_recent = np.zeros(n)  # decays; a budget cut makes a seat cut at renewal more likely
    once = {"champion_left": np.zeros(n, dtype=bool), "admin_left": np.zeros(n, dtype=bool)}

    for t in range(T):
        live = (start_t <= t) & ~churned
        new = (start_t == t) & (t > 0)  # accounts live at the window start keep their burn-in health
        eps = NOISE * rng.normal(size=n)
        h = mu + RHO * (h_prev - mu) + eps
        h[new] = mu[new] + rng.normal(0, 0.3, new.sum()) - 1.0 * bad[new]
        for name, (hazard, drop) in SHOCKS.items():
            hit = live & (rng.random(n) < hazard)
            if name in once:
                hit &= ~once[name]
                once[name] |= hit
            shocks[name][:, t] = hit
            h += drop * hit
        budget_recent = 0.8 * budget_recent + shocks["budget_cut"][:, t]
        if t > 0:  # the CSM's response to last month's review
            last = response[:, t - 1]
            intervention[:, t] = (last >= 0) & (last <= 14)
            h += LIFT_IN_TIME * intervention[:, t] + late_lift
            late_lift = LIFT_LATE * (last > 14)

        state = h  # latent health carries into next month; what the signals show is `h` below
        h = exits.step(t, h, live, new, (anniversary - window_month[t]) % 12, intervention[:, t])
        # Renewal on the anniversary month, once at least a year after the window start for new logos.
        is_renewal = live & (anniversary == window_month[t]) & (t >= start_t + np.where(start_t > 0, 12, 1))
        hbar = (hist[0] + hist[1] + hist[2]) / 3  # health over the three months before the renewal
        churn_now = exits.leaves(t, live, is_renewal, start_t == t)
        p_cut = sigmoid(-2.0 - 1.8 * hbar + 1.5 * np.minimum(budget_recent, 1.0))
        cut = is_renewal & ~churn_now & (rng.random(n) < p_cut)
        cut_frac = rng.uniform(0.1, 0.4, n)
        cur_seats = np.where(cut, np.maximum(5, np.round(cur_seats * (1 - cut_frac))).astype(np.int64), cur_seats)
        # Expansion any month (seat adds) with a price uplift for healthy renewals.
        p_exp = sigmoid(-4.25 + 1.5 * h)
        grow = live & ~churn_now & ~cut & ~new & (rng.random(n) < p_exp)
        grow_frac = rng.uniform(0.2, 0.7, n)
        grown = np.minimum(np.ceil(cur_seats * (1 + grow_frac)), seat_cap).astype(np.int64)
        cur_seats = np.where(grow, np.maximum(grown, cur_seats), cur_seats)
        uplift = is_renewal & ~churn_now & ~cut & (h > 0) & (rng.random(n) < 0.1)
        price = np.where(uplift, price * 1.04, price)

        churn_t = np.where(churn_now, t, churn_t)
        churned |= churn_now
        live &= ~churn_now
        renewal[:, t] = is_renewal
        active[:, t] = live
        seats[:, t] = np.where(live, cur_seats, 0)
        arr[:, t] = np.where(live, np.round(cur_seats * price, -1), 0.0)
        health[:, t] = h
        # Month-end review: a fall below the risk line, or any shock this month, is a risk moment.
        shocked = np.any([shocks[k][:, t] for k in SHOCKS], axis=0)
        moment[:, t] = live & (((h < RISK_HEALTH) & (hist[2] >= RISK_HEALTH)) | shocked)
        response[:, t] = response_days(rng, csm, moment[:, t])
        hist = [hist[1], hist[2], h.copy()]
        h_prev = state

    renewal_date = _renewal_dates(customer_since, churn_t, starts, T)
    return World(starts, segment, customer_since, start_t, churn_t, active, seats, arr, health,
                 renewal, shocks, intervention, csm, moment, response, bad, monthly_plan, renewal_date)


def _renewal_dates(customer_since: np.ndarray, churn_t: np.ndarray, starts: np.ndarray, T: int) -> np.ndarray:
    """Anniversary of customer_since at churn, or the first one after the window end for live accounts."""
    since_m = customer_since.astype("datetime64[M]")
    day = customer_since - since_m.astype("datetime64[D]")
    end_m = np.datetime64(starts[-1], "M")  # month after the window
    churn_m = np.datetime64(starts[0], "M") + np.minimum(churn_t, T - 1)
    target = np.where(churn_t < T, churn_m, end_m)
    # Smallest anniversary month >= target month.
    gap = (target - since_m).astype(np.int64)
    years = np.maximum(1, -(-gap // 12))
    return (since_m + 12 * years).astype("datetime64[D]") + day
