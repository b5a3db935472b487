"""The tuning hot path written out in plain numpy on the same arrays: the floor the live path is measured against.

Per-group rows and effective models are resolved once outside the timing, as a hand-tuned implementation would
keep them; the history is sorted by segment then tenure, so each group is a slice (no copies), as in live.py.
"""
from __future__ import annotations

import numpy as np

from chs_core.model import effective_model
from chs_core.scoring.score import UNKNOWN_STAGE, lifecycle_stages


def groups(h, model):
    """Per (segment, stage) group: its rows and effective model (what a plain implementation precomputes)."""
    stage = lifecycle_stages(h.raw["tenure_months"], model)
    keys = np.char.add(np.asarray(h.segment, dtype=str), np.asarray(stage, dtype=str))
    out = []
    for k in np.unique(keys):
        rows = np.flatnonzero(keys == k)
        seg, st = h.segment[rows[0]], stage[rows[0]]
        if rows[-1] - rows[0] + 1 == len(rows):
            rows = slice(int(rows[0]), int(rows[-1]) + 1)
        out.append((rows, effective_model(model, seg, None if st == UNKNOWN_STAGE else st)))
    return out


def _points(x, n):
    if n.direction == "band":
        below = (x - n.bad_below) / (n.band_low - n.bad_below)
        above = (n.bad_above - x) / (n.bad_above - n.band_high)
        f = np.where(x < n.band_low, below, np.where(x > n.band_high, above, np.where(np.isnan(x), np.nan, 1.0)))
    else:
        f = (x - n.bad) / (n.good - n.bad)
    return np.clip(f * 100, 0, 100)


def numpy_floor(h, model, row_groups, published_score, published_tier):
    n = len(h.account_id)
    base, cov = np.full(n, np.nan), np.zeros(n)
    for rows, em in row_groups:
        k = len(base[rows])
        num, den, c_tot = np.zeros(k), np.zeros(k), 0.0
        total = sum(c.weight for c in em.components if sum(m.weight for m in c.metrics) > 0)
        for c in em.components:
            w_in = sum(m.weight for m in c.metrics)
            cn, cd = np.zeros(k), np.zeros(k)
            for m in c.metrics:
                p = _points(h.raw[m.name][rows], m.norm)
                ok = ~np.isnan(p)
                cn += np.where(ok, m.weight * p, 0)
                cd += ok * m.weight
                if w_in > 0 and total > 0:
                    cov[rows] += ok * (c.weight / total * m.weight / w_in)
            has = cd > 0
            num += np.where(has, c.weight * cn / np.where(has, cd, 1), 0)
            den += has * c.weight
            c_tot += c.weight
        base[rows] = num / np.where(den > 0, den, np.nan)
    pen, cap = np.zeros(n), np.full(n, np.inf)
    for f in model.flags:
        hit = np.zeros(n, bool)
        for c in f.conditions:
            with np.errstate(invalid="ignore"):
                hit |= {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                        "==": np.equal}[c.op](h.raw[c.signal], c.value)
        pen += hit * f.penalty
        if f.cap is not None:
            cap = np.where(hit, np.minimum(cap, f.cap), cap)
    score = np.minimum(np.clip(base - pen, 0, 100), cap)
    score[cov < model.min_coverage - 1e-9] = np.nan
    mins = np.array([t.min_score for t in model.tiers])
    tier = np.where(np.isnan(score), len(mins), np.searchsorted(-mins, -np.nan_to_num(score, nan=-1), side="left"))
    at_risk = score < model.at_risk_below
    # backtest figures pooled and in the renewal window; book: calibration, migration, movers
    lab = h.labels
    s, y, alert = score[lab.rows], lab.churned, at_risk[lab.rows]
    w = lab.days_to_renewal <= lab.horizon_days
    judged = [_judge(s, alert, y, lab.account_code), _judge(s[w], alert[w], y[w], lab.account_code[w])]
    rates = np.bincount(tier[lab.rows], weights=y, minlength=len(mins) + 1) / np.maximum(
        np.bincount(tier[lab.rows], minlength=len(mins) + 1), 1)
    m = h.latest
    mig = np.bincount(published_tier[m] * (len(mins) + 1) + tier[m], minlength=(len(mins) + 1) ** 2)
    moved = np.argsort(-np.nan_to_num(np.abs(score[m] - published_score[m]), nan=-1))[:10]
    return score, judged, rates, mig, moved


def _judge(s, alert, y, account):
    """AUC (ties half) and top-decile lift from one sort; TP, FP and accounts caught at the cut-off."""
    ok = ~np.isnan(s)
    order = np.argsort(s[ok])
    ss, ys = s[ok][order], y[ok][order].astype(float)
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    pos = np.add.reduceat(ys, starts)
    size = np.diff(np.r_[starts, len(ss)]).astype(float)
    neg = size - pos
    auc = (pos * (neg.sum() - np.cumsum(neg) + 0.5 * neg)).sum() / (pos.sum() * neg.sum())
    k = 0.1 * len(ss)
    lift = (pos * np.clip(k - (np.cumsum(size) - size), 0, size) / size).sum() / k / ys.mean()
    hit = alert & ok
    caught = np.unique(account[y & hit])
    return auc, lift, (hit & y).sum(), (hit & ~y).sum(), len(caught)
