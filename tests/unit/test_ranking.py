"""AUC with ties, top-decile lift and the account-clustered bootstrap interval, worked by hand or by brute force."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from chs_core.outcomes.ranking import auc, auc_difference_interval, auc_interval, lift_top_decile


def _pairs_auc(score, y, weight=None):
    """Second method: count every (no-outcome, outcome) pair, ties 1/2, each pair weighted by its rows' weights."""
    score, y = np.asarray(score, float), np.asarray(y, bool)
    w = np.ones(len(score)) if weight is None else np.asarray(weight, float)
    num = den = 0.0
    for i, j in itertools.product(np.flatnonzero(~y), np.flatnonzero(y)):
        pair = w[i] * w[j]
        num += pair * (1.0 if score[i] > score[j] else 0.5 if score[i] == score[j] else 0.0)
        den += pair
    return num / den if den else None


def test_auc_counts_ties_as_half():
    # Churners score 1 and 2, the others 2 and 3. Pairs (other, churner): (2,1) 1, (3,1) 1, (2,2) 1/2, (3,2) 1.
    assert auc([1, 2, 2, 3], [1, 1, 0, 0]) == pytest.approx(3.5 / 4)
    assert auc([5, 5, 5, 5], [1, 0, 1, 0]) == pytest.approx(0.5)  # all tied: chance
    assert auc([1, 2, 3, 4], [1, 1, 0, 0]) == 1.0
    assert auc([1, 2, 3, 4], [0, 0, 1, 1]) == 0.0  # the score points the wrong way


def test_auc_undefined_without_both_outcomes():
    assert auc([1, 2], [0, 0]) is None and auc([1, 2], [1, 1]) is None and auc([], []) is None


def test_auc_matches_pair_counting_on_random_ties():
    rng = np.random.default_rng(3)
    score, y = rng.integers(0, 6, 80).astype(float), rng.random(80) < 0.3
    assert auc(score, y) == pytest.approx(_pairs_auc(score, y))


def test_lift_top_decile_by_hand():
    # 20 rows scored 1..20, churners at 1 and 15: base rate 2/20 = 0.1; riskiest 2 rows (1, 2) hold 1 churner:
    # rate 0.5, lift 0.5 / 0.1 = 5.
    y = np.zeros(20, bool)
    y[[0, 14]] = True
    assert lift_top_decile(np.arange(1, 21, dtype=float), y) == pytest.approx(5.0)


def test_lift_prorates_ties_at_the_cut():
    # 10 rows; the top decile is 1 row, but the two lowest tie at score 1 (one churner, one not): half of that
    # group fits, so 0.5 churners in 1 row; base rate 1/10, lift 0.5 / 0.1 = 5 whatever the order of the tie.
    score = np.array([1, 1, 2, 3, 4, 5, 6, 7, 8, 9], float)
    assert lift_top_decile(score, np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], bool)) == pytest.approx(5.0)
    assert lift_top_decile(score, np.array([0, 1, 0, 0, 0, 0, 0, 0, 0, 0], bool)) == pytest.approx(5.0)
    assert lift_top_decile(score, np.zeros(10, bool)) is None


BOOK = {  # account: rows of (score, churned)
    "A": [(1, True), (5, False)],
    "B": [(2, True), (3, False)],
    "C": [(4, False), (6, False)],
    "D": [(2.5, True), (7, False)],
}


def _flat(book, repeat=1):
    rows = [(s, c, a) for a, rs in book.items() for s, c in rs for _ in range(repeat)]
    s, y, a = zip(*rows)
    return np.array(s, float), np.array(y, bool), np.array(a)


def test_clustered_interval_equals_brute_force_replicates():
    score, y, acc = _flat(BOOK)
    lo, hi = auc_interval(score, y, acc, samples=300, seed=11)
    # Second method: redraw the same accounts (same generator, same calls) and count pairs row by row.
    rng = np.random.default_rng(11)
    names = np.unique(acc)
    values = []
    for first in range(0, 300, 16):
        picks = rng.integers(0, len(names), size=(min(16, 300 - first), len(names)))  # accounts drawn with replacement
        for c in (np.bincount(p, minlength=len(names)) for p in picks):
            w = c[np.searchsorted(names, acc)]
            v = _pairs_auc(score, y, w)
            if v is not None and (w * y).sum() > 0 and (w * ~y).sum() > 0:
                values.append(v)
    assert (lo, hi) == pytest.approx((np.percentile(values, 2.5), np.percentile(values, 97.5)))


def test_interval_is_the_same_summed_in_float32_or_float64(monkeypatch):
    # Weights are whole numbers: float32 sums them exactly below 2**24, so both widths give the same replicates.
    from chs_core.outcomes import ranking

    rng = np.random.default_rng(8)
    score, y, acc = rng.integers(0, 40, 3000).astype(float), rng.random(3000) < 0.2, rng.integers(0, 300, 3000)
    narrow = auc_interval(score, y, acc, samples=80, seed=2)
    monkeypatch.setattr(ranking, "_FLOAT32_EXACT", 0)  # as if the book were too big for float32
    assert auc_interval(score, y, acc, samples=80, seed=2) == narrow


def test_clustered_interval_ignores_how_many_months_an_account_has():
    # Resampling accounts, not rows: repeating every account's rows 5 times changes nothing, where a row
    # bootstrap would shrink the interval as if there were 5 times as many independent observations.
    one = auc_interval(*_flat(BOOK), samples=200, seed=4)
    five = auc_interval(*_flat(BOOK, repeat=5), samples=200, seed=4)
    assert one == pytest.approx(five)
    assert one[0] < auc(*_flat(BOOK)[:2]) < one[1] or one[0] == one[1]


def test_interval_needs_two_accounts_and_both_outcomes():
    assert auc_interval(np.array([1.0, 2.0]), np.array([True, False]), np.array(["A", "A"])) is None
    assert auc_interval(np.array([1.0, 2.0]), np.array([False, False]), np.array(["A", "B"])) is None


def test_difference_interval_of_a_score_with_itself_is_zero_and_of_its_mirror_is_wide():
    score, y, acc = _flat(BOOK)
    assert auc_difference_interval(score, score, y, acc, samples=100) == pytest.approx((0.0, 0.0))
    # The mirror score ranks every pair the other way: AUC(s) - AUC(-s) = 2 AUC(s) - 1 in every replicate.
    lo, hi = auc_difference_interval(score, -score, y, acc, samples=100, seed=2)
    one = auc_interval(score, y, acc, samples=100, seed=2)
    assert (lo, hi) == pytest.approx((2 * one[0] - 1, 2 * one[1] - 1))


def test_cluster_codes_by_counting_equal_the_sorted_factorisation():
    """Account ranks (small non-negative integers, a subset of them after a mask) are ranked by counting; the
    ranks and the distinct values must be what sorting gives, for any other values too."""
    from chs_core.outcomes.ranking import _codes

    rng = np.random.default_rng(3)
    cases = [rng.integers(0, 500, 4000), rng.integers(0, 500, 4000)[::7] * 3, np.array([9, 9, 2, 4]),
             rng.integers(0, 10**12, 50), np.array(["b", "a", "b"], dtype=object), np.array([2.5, -1.0, 2.5])]
    for values in cases:
        codes, uniques = _codes(values)
        expected_uniques, expected_codes = np.unique(values, return_inverse=True)
        assert codes.tolist() == expected_codes.tolist() and uniques.tolist() == expected_uniques.tolist()
