"""The AUC interval from the clustered variance, checked against pair counting and against the bootstrap."""
from __future__ import annotations

import numpy as np
import pytest

from chs_core.outcomes import clustered_auc
from chs_core.outcomes.ranking import _codes, auc, auc_difference_interval, auc_interval


def _pair_components(score, y, account):
    """Second method, straight from the definition: every (outcome row, other row) pair compared one by one."""
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    psi = (score[neg][None, :] > score[pos][:, None]) + 0.5 * (score[neg][None, :] == score[pos][:, None])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)  # each outcome row against all others, and the reverse
    a = v10.mean()
    names = sorted(set(account))
    d10 = np.array([v10[account[pos] == c].sum() - (account[pos] == c).sum() * a for c in names])
    d01 = np.array([v01[account[neg] == c].sum() - (account[neg] == c).sum() * a for c in names])
    k, m, n = len(names), len(pos), len(neg)
    return a, k / (k - 1) * ((d10 ** 2).sum() / m ** 2 + (d01 ** 2).sum() / n ** 2 + 2 * (d10 * d01).sum() / (m * n))


def _clustered_book(seed: int, accounts: int, months: int, rho: float):
    """Scores that hang together within an account (rho), churn decided per account: months are not independent."""
    rng = np.random.default_rng(seed)
    level, churny = rng.normal(size=accounts), rng.random(accounts) < 0.15
    acc = np.repeat(np.arange(accounts), months)
    noise = rng.normal(size=len(acc))
    score = np.round(rho * level[acc] + np.sqrt(1 - rho ** 2) * noise + 0.6 * ~churny[acc], 1)  # ties on purpose
    return score, churny[acc] & (rng.random(len(acc)) < 0.7), acc, rng


def test_components_match_pair_counting_with_ties():
    score, y, acc, _ = _clustered_book(1, 40, 6, 0.7)
    codes, _ = _codes(acc)
    c = clustered_auc.components(score, y, codes, int(codes.max()) + 1)
    a, variance = _pair_components(score, y, acc)
    assert c.auc == pytest.approx(a) == pytest.approx(auc(score, y))
    assert clustered_auc.covariance(c, c) == pytest.approx(variance)


def test_interval_agrees_with_a_long_bootstrap():
    # Different methods for the same quantity: at 2,000 accounts the endpoints agree to about 0.001.
    score, y, acc, rng = _clustered_book(2, 2000, 10, 0.8)
    codes, _ = _codes(acc)
    lo, hi = clustered_auc.interval(score, y, codes, 2000)
    boot = auc_interval(score, y, acc, samples=2000, seed=3)  # below the threshold: the bootstrap
    assert lo == pytest.approx(boot[0], abs=0.003) and hi == pytest.approx(boot[1], abs=0.003)
    assert lo < auc(score, y) < hi
    other = np.round(score + rng.normal(size=len(score)), 1)  # a noisier copy: correlated with the first
    d = clustered_auc.difference_interval(score, other, y, codes, 2000)
    boot_d = auc_difference_interval(score, other, y, acc, samples=2000, seed=3)
    assert d == pytest.approx(boot_d, abs=0.003)


def test_one_row_per_account_needs_no_special_case():
    # Every account a single row: no within-account cross terms; the figure still follows the pair definition.
    score, y, acc, _ = _clustered_book(4, 300, 1, 0.0)
    codes, _ = _codes(acc)
    c = clustered_auc.components(score, y, codes, 300)
    assert clustered_auc.covariance(c, c) == pytest.approx(_pair_components(score, y, acc)[1])


def test_big_books_switch_to_the_variance(monkeypatch):
    score, y, acc, _ = _clustered_book(5, 120, 4, 0.5)
    codes, _ = _codes(acc)
    monkeypatch.setenv("CHS_BACKTEST_BOOTSTRAP_ACCOUNTS", "100")  # 120 accounts: at or above the threshold
    assert auc_interval(score, y, acc, samples=50) == clustered_auc.interval(score, y, codes, 120)
    assert auc_interval(score, y, acc, samples=0) is None  # no interval asked for: none
    monkeypatch.setenv("CHS_BACKTEST_BOOTSTRAP_ACCOUNTS", "0")  # always the bootstrap
    assert auc_interval(score, y, acc, samples=50) != clustered_auc.interval(score, y, codes, 120)


def test_no_interval_without_both_outcomes():
    codes = np.array([0, 1, 1])
    assert clustered_auc.interval(np.array([1.0, 2.0, 3.0]), np.array([False] * 3), codes, 2) is None
