"""Suggested weights: mapped back onto the model exactly, and they find a real driver of churn out of sample."""
from __future__ import annotations

import pytest

from chs_core.model import load_model, parse_model
from chs_core.settings import DEFAULT_MODEL
from chs_core.tuning import apply_metric_weights, metric_shares, suggest_weights
from tests.synthetic_books import book

SMALL = {
    "components": {
        "usage": {"weight": 1, "metrics": {
            "active_user_ratio": {"weight": 1, "direction": "higher_better", "bad": 0, "good": 1},
            "feature_breadth": {"weight": 1, "direction": "higher_better", "bad": 0, "good": 1}}},
        "engagement": {"weight": 1, "metrics": {
            "nps": {"weight": 1, "direction": "higher_better", "bad": -100, "good": 100}}},
    },
    "tiers": [{"name": "Good", "min_score": 50, "color": "#0a0", "play": "p"},
              {"name": "Bad", "min_score": 0, "color": "#a00", "play": "p"}],
    "overrides": {"segments": {"SMB": {"components": {"usage": {"weight": 3, "metrics": {
        "active_user_ratio": {"good": 0.5}}}}}}},
}


def test_fitted_weights_map_onto_components_and_metrics():
    model = parse_model(SMALL)
    # Fitted 2 (active users), 1 (breadth), 1 (nps): usage carries 3 of 4 -> 75, engagement 25; inside usage
    # 2 : 1 scaled to 10 -> 6.7 and 3.3 (one decimal); nps alone -> 10.
    draft = apply_metric_weights(model, {"active_user_ratio": 2.0, "feature_breadth": 1.0, "nps": 1.0})
    assert [c.weight for c in draft.components] == [75, 25]
    assert [m.weight for m in draft.component("usage").metrics] == [6.7, 3.3]
    assert draft.component("engagement").metrics[0].weight == 10
    assert metric_shares(draft) == pytest.approx({"active_user_ratio": 0.5025, "feature_breadth": 0.2475,
                                                  "nps": 0.25})  # 0.75 * 6.7 / 10, 0.75 * 3.3 / 10
    # The SMB weight override would undo the fit for SMB accounts: dropped; its threshold stays.
    smb = draft.overrides.segments[0].components[0]
    assert smb.weight is None and smb.metrics[0].settings == (("good", 0.5),)


def test_a_real_driver_is_found_and_the_gain_claimed():
    arr, metrics = book(driver="nps", seed=9)
    model = load_model(DEFAULT_MODEL)
    s = suggest_weights(metrics, arr, model, horizon_months=3, samples=100)
    after = {m: b for _, m, _, b in s.shares}
    assert max(after, key=after.get) == "nps" and after["nps"] > 0.5  # most of the score on the real driver
    assert s.gain and s.auc_gain_ci[0] > 0 and s.suggested.auc > s.current.auc + 0.04
    assert set(s.train_dates).isdisjoint(s.test_dates)
    parse_model(__import__("chs_core.model", fromlist=["model_to_dict"]).model_to_dict(s.draft))  # a valid model


def test_cli_writes_a_valid_draft_and_keeps_an_existing_file(demo_db, tmp_path, capsys):
    from chs_core.cli import main
    from chs_core.model import load_model as load

    out = tmp_path / "draft.yaml"
    out.write_text("# an analyst's earlier draft\n")
    assert main(["suggest-weights", "--data", str(demo_db), "--out", str(out), "--bootstrap", "20"]) == 0
    draft = load(out)  # loads and validates: a usable model
    assert draft.tier_names() == load(DEFAULT_MODEL).tier_names() and draft.flags == load(DEFAULT_MODEL).flags
    assert "Out of sample, AUC" in capsys.readouterr().out
    kept = list((tmp_path / "model_history").iterdir())
    assert len(kept) == 1 and kept[0].read_text() == "# an analyst's earlier draft\n"


def test_cli_refuses_a_missing_folder(demo_db, tmp_path, capsys):
    from chs_core.cli import main

    assert main(["suggest-weights", "--data", str(demo_db), "--out", str(tmp_path / "no" / "d.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
