"""The tuning page's live path: the history sorted for speed still scores and judges every row as score_frame does.

prepare_history sorts rows by segment then tenure so each (segment, stage) group is a slice; the figures must
not depend on that order. Checked against a second method: score_frame on the frame in its own order, and
scikit-learn's roc_auc_score on its scores.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from chs_core.model import edits, load_model
from chs_core.outcomes.labels import label_history
from chs_core.outcomes.quality import sorted_within
from chs_core.scoring import score_frame
from chs_core.scoring.score import score_arrays
from chs_core.settings import DEFAULT_MODEL
from chs_core.tuning.live import auc_change, figures, prepare_history, rescore
from tests.synthetic_books import book


@pytest.fixture(scope="module")
def history():
    arr, metrics = book(accounts=300, months=12, driver="active_user_ratio")
    rng = np.random.default_rng(3)
    metrics["tenure_months"] = np.where(rng.random(len(metrics)) < 0.05, np.nan, rng.uniform(0, 40, len(metrics)))
    metrics["days_to_renewal"] = rng.uniform(0, 365, len(metrics))
    metrics["arr"] = 1000.0
    metrics["account_name"] = metrics["account_id"]
    return arr, metrics.sample(frac=1.0, random_state=1).reset_index(drop=True)  # rows in no particular order


def test_sorted_history_scores_every_row_as_score_frame_does(history):
    arr, metrics = history
    model = load_model(DEFAULT_MODEL)  # segment and stage overrides: groups score differently
    h = prepare_history(metrics, arr, 3)
    r = rescore(h, model)
    direct = score_frame(metrics, model).frame
    expected = direct.set_index(["account_id", "as_of"])["health_score"]
    got = pd.Series(r.score, index=pd.MultiIndex.from_arrays([h.account_id, pd.to_datetime(h.as_of)]))
    assert np.allclose(got.sort_index().to_numpy(), expected.sort_index().to_numpy(), equal_nan=True)
    assert not np.isnan(r.score).all() and (np.diff(h.segment_codes[0]) >= 0).all()  # sorted by segment

    lab = label_history(metrics, arr, 3)
    s = direct["health_score"].to_numpy()[lab.rows]
    ok = ~np.isnan(s)
    f = figures(h, r)
    assert f.churn.auc == pytest.approx(roc_auc_score(lab.churned[ok], -s[ok]), abs=1e-12)
    assert f.churn.positives == int(lab.churned.sum())
    w = lab.in_renewal_window
    ok_w = ok & w
    assert f.renewal_window.auc == pytest.approx(roc_auc_score(lab.churned[ok_w], -s[ok_w]), abs=1e-12)
    assert f.renewal_window.rows == int(w.sum())


def test_scattered_and_contiguous_groups_score_alike(history):
    _, metrics = history
    model = load_model(DEFAULT_MODEL)
    h = prepare_history(metrics, history[0], 3)
    full = score_arrays(h.raw, h.segment, model)  # contiguous groups: slices
    lean = score_arrays(h.raw, h.segment, model, detail=False, seg_codes=h.segment_codes)
    shuffle = np.random.default_rng(0).permutation(len(h.segment))
    scattered = score_arrays({k: v[shuffle] for k, v in h.raw.items()}, h.segment[shuffle], model)
    assert np.array_equal(full.score, lean.score, equal_nan=True) and not lean.share and not lean.comp
    assert np.array_equal(full.score[shuffle], scattered.score, equal_nan=True)
    assert np.array_equal(full.coverage[shuffle], scattered.coverage)
    assert all(np.array_equal(full.share[m][shuffle], scattered.share[m], equal_nan=True) for m in full.share)


def test_the_order_of_a_slice_is_read_off_the_order_of_the_whole():
    rng = np.random.default_rng(7)
    score = rng.integers(0, 20, 500).astype(float)  # many ties
    keep = rng.random(500) < 0.3
    order = np.argsort(score)
    within = sorted_within(order, keep)
    assert sorted(within.tolist()) == list(range(int(keep.sum())))  # every kept row once
    assert (np.diff(score[keep][within]) >= 0).all()  # ascending


def test_auc_change_is_paired_and_zero_for_the_same_model(history):
    arr, metrics = history
    model = load_model(DEFAULT_MODEL)
    h = prepare_history(metrics, arr, 3)
    r = rescore(h, model)
    assert auc_change(h, r, r, samples=50) == (0.0, (0.0, 0.0))
    other = rescore(h, edits.with_component_weight(model, "usage", 0))
    change, (lo, hi) = auc_change(h, r, other, samples=50)
    lab = h.labels
    a, b = other.score[lab.rows], r.score[lab.rows]
    ok = ~np.isnan(a) & ~np.isnan(b)
    expected = roc_auc_score(lab.churned[ok], -a[ok]) - roc_auc_score(lab.churned[ok], -b[ok])
    assert change == pytest.approx(expected, abs=1e-12) and lo <= change <= hi


def test_text_columns_become_objects_with_missing_as_none_and_one_object_per_name():
    from chs_core.tuning.live import text_objects

    s = pd.Series(["Acme", None, "Beta", "Acme", None], dtype="str")
    got = text_objects(s)
    assert got.dtype == object and got.tolist() == s.astype(object).where(s.notna(), None).tolist()
    assert got[0] is got[3]  # the same name is one object, not 1.8M copies
