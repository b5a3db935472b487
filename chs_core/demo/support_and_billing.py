"""Demo support tickets, NPS answers and invoices, drawn from latent health per account-month."""
from __future__ import annotations

import numpy as np
import pandas as pd

from chs_core.contract import PRIORITIES
from chs_core.demo.draws import live_months, month_time, sigmoid
from chs_core.demo.world import World


def build_tickets(rng: np.random.Generator, world: World, account_ids: np.ndarray, first_id: int = 1) -> pd.DataFrame:
    """tickets frame: ticket_id, account_id, opened_at, resolved_at, priority, escalated, csat."""
    acc, t = live_months(world)
    h = world.health[acc, t]
    outage = world.shocks["outage"][acc, t]
    # Two streams. Questions (P2/P3) come from a per-account habit and the seat count, not from health:
    # a noise signal a good score must see past. Urgent tickets (P0/P1) come from unhappy accounts and outages.
    # Questions grow in proportion to seats, so even per seat they say nothing about the segment either.
    chatty = rng.lognormal(0, 0.5, world.active.shape[0])[acc]
    n_q = rng.poisson(0.012 * world.seats[acc, t] * chatty)
    n_u = rng.poisson(0.006 * world.seats[acc, t] ** 0.75 * np.exp(-1.0 * h) + 2.0 * outage)
    urgent = np.concatenate([np.zeros(n_q.sum(), bool), np.ones(n_u.sum(), bool)])
    acc, t, h = (np.concatenate([np.repeat(x, n_q), np.repeat(x, n_u)]) for x in (acc, t, h))
    prio = np.where(urgent, (rng.random(len(acc)) > 0.2).astype(int), 2 + (rng.random(len(acc)) > 0.53))
    escalated = rng.random(len(acc)) < sigmoid(-3.4 - 1.5 * h + 1.6 * urgent)
    opened = month_time(rng, world, t, "s")
    # Resolution time follows the priority and the support team's load that month, not the customer
    # (unhappy customers file more urgent tickets, which close faster: the median looks better as they sour).
    load = rng.lognormal(0, 0.3, world.n_months)[t]
    hours = np.array([6.0, 16.0, 40.0, 72.0])[prio] * load * rng.lognormal(0, 0.7, len(acc))
    resolved = opened + (hours * 3600).astype("timedelta64[s]")
    end = world.month_starts[-1].astype("datetime64[s]")
    resolved = np.where(resolved < end, resolved, np.datetime64("NaT"))  # still open at the data end
    csat = np.clip(np.round(4.2 + 0.6 * h - 0.8 * escalated + rng.normal(0, 0.8, len(acc))), 1, 5)
    csat = np.where((rng.random(len(acc)) < 0.3) | np.isnat(resolved), np.nan, csat)  # many skip the survey
    order = np.argsort(opened, kind="stable")
    return pd.DataFrame({
        "ticket_id": [f"T{i:07d}" for i in range(first_id, first_id + len(acc))],
        "account_id": account_ids[acc[order]],
        "opened_at": pd.to_datetime(opened[order]),
        "resolved_at": pd.to_datetime(resolved[order]),
        "priority": np.array(PRIORITIES)[prio[order]],
        "escalated": escalated[order],
        "csat": csat[order],
    })


def build_nps(rng: np.random.Generator, world: World, account_ids: np.ndarray, contacts: pd.DataFrame,
              contact_start_t: np.ndarray) -> pd.DataFrame:
    """nps_responses frame: account_id, responded_at, score, respondent_role (quarterly waves)."""
    month_of_year = world.month_starts[:-1].astype("datetime64[M]").astype(np.int64) % 12
    waves = np.flatnonzero(np.isin(month_of_year, [0, 3, 6, 9]))  # Jan, Apr, Jul, Oct
    idx = {a: i for i, a in enumerate(account_ids)}
    c_acc = contacts["account_id"].map(idx).to_numpy()
    c_role = contacts["role"].to_numpy()
    c_left = contacts["left_date"].to_numpy().astype("datetime64[D]")
    acc, t, role = [], [], []
    for w in waves:  # a handful of survey waves, not a loop over rows
        day = world.month_starts[w]
        there = (contact_start_t <= w) & (np.isnat(c_left) | (c_left > day))
        ok = world.active[c_acc, w] & there & (rng.random(len(c_acc)) < 0.3)
        acc.append(c_acc[ok])
        t.append(np.full(ok.sum(), w))
        role.append(c_role[ok])
        live = np.flatnonzero(world.active[:, w])
        extra = np.minimum(rng.poisson(0.3 + 0.01 * world.seats[live, w]), 8)  # anonymous end users
        acc.append(np.repeat(live, extra))
        t.append(np.full(extra.sum(), w))
        role.append(np.full(extra.sum(), "end_user"))
    acc, t, role = np.concatenate(acc), np.concatenate(t), np.concatenate(role)
    h = world.health[acc, t]
    decision = np.isin(role, ["executive_sponsor", "decision_maker"])
    # Decision makers react more strongly to how the relationship is going.
    score = np.clip(np.round(7.4 + (1.8 + 0.6 * decision) * h + rng.normal(0, 1.4, len(acc))), 0, 10)
    day = world.month_starts[t] + rng.integers(0, 20, len(acc)).astype("timedelta64[D]")
    order = np.lexsort((role, day))
    return pd.DataFrame({
        "account_id": account_ids[acc[order]],
        "responded_at": pd.to_datetime(day[order]),
        "score": score[order].astype(np.int64),
        "respondent_role": role[order],
    })


def build_invoices(rng: np.random.Generator, world: World, account_ids: np.ndarray, first_id: int = 1) -> pd.DataFrame:
    """invoices frame: invoice_id, account_id, due_date, paid_date, amount (due dates within the window)."""
    n, T = world.active.shape
    # Monthly plans pay monthly; a fifth of Mid-Market annual contracts are billed monthly too.
    monthly = world.monthly_plan | ((world.segment == 1) & (rng.random(n) < 0.2))
    acc, t = live_months(world)
    first = t == np.maximum(world.start_t[acc], 0)
    arr, prev = world.arr[acc, t], np.where(t > 0, world.arr[acc, np.maximum(t - 1, 0)], 0.0)
    m = monthly[acc]
    annual_bill = ~m & (world.renewal[acc, t] | (first & (world.start_t[acc] == t) & (t > 0)))
    # Annual payers are invoiced at signing and renewal, plus a prorated invoice for seats added mid-term.
    upsell = ~m & ~annual_bill & (arr > prev) & (prev > 0)
    since_m = world.customer_since.astype("datetime64[M]").astype(np.int64)
    months_left = 12 - ((world.month_starts[t].astype("datetime64[M]").astype(np.int64) - since_m[acc]) % 12)
    amount = np.select([m, annual_bill, upsell], [arr / 12, arr, (arr - prev) * months_left / 12], 0.0)
    keep = m | annual_bill | upsell
    acc, t, amount = acc[keep], t[keep], np.round(amount[keep], 2)
    issued = world.month_starts[t] + rng.integers(0, 5, len(acc)).astype("timedelta64[D]")
    due = issued + np.timedelta64(30, "D")
    h = world.health[acc, t]
    late = rng.random(len(acc)) < sigmoid(-2.6 - 1.7 * h)  # unhealthy accounts pay late
    delay = np.where(late, 5 + rng.exponential(25, len(acc)), -rng.integers(0, 20, len(acc)))
    paid = due + np.round(delay).astype("timedelta64[D]")
    end = world.end_date
    keep = due <= end  # nothing dated after the data end
    paid = np.where(paid <= end, paid, np.datetime64("NaT"))
    acc, due, paid, amount = acc[keep], due[keep], paid[keep], amount[keep]
    order = np.lexsort((acc, due))
    return pd.DataFrame({
        "invoice_id": [f"INV{i:07d}" for i in range(first_id, first_id + len(acc))],
        "account_id": account_ids[acc[order]],
        "due_date": pd.to_datetime(due[order]),
        "paid_date": pd.to_datetime(paid[order]),
        "amount": amount[order],
    })
