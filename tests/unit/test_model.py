"""model.yaml: the default loads, validation names the bad key, overrides, tiers, round-trip, atomic save."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from chs_core.errors import ModelError
from chs_core.metrics.catalog import METRIC_NAMES, SignalSettings
from chs_core.model import (
    NO_DATA_TIER,
    dump_model_yaml,
    edits,
    effective_model,
    load_model,
    model_to_dict,
    parse_model,
    save_model,
)
from chs_core.scoring.score import UNKNOWN_STAGE, assign_tiers, lifecycle_stages

ROOT = Path(__file__).resolve().parents[2]
BAD = sorted((ROOT / "tests" / "data" / "bad_models").glob("*.yaml"))


@pytest.fixture(scope="module")
def model():
    return load_model(ROOT / "model.yaml")


def test_default_model_loads_and_is_hashable(model):
    assert hash(model) == hash(load_model(ROOT / "model.yaml"))
    assert [c.name for c in model.components] == ["usage", "engagement", "growth", "support", "financial"]
    assert [c.weight for c in model.components] == [35, 25, 20, 20, 5]
    assert set(model.metric_names()) == set(METRIC_NAMES)  # a default for every catalogue metric
    assert {f.name for f in model.flags} == {
        "champion_departure", "downgrade", "usage_decline", "negative_dm_nps", "escalation",
        "missed_renewal_meeting", "competitor_mention", "budget_mention"}
    assert [(t.name, t.min_score) for t in model.tiers] == [
        ("Thriving", 85), ("Healthy", 70), ("Neutral", 50), ("At risk", 30), ("Critical", 0)]
    assert model.at_risk_below == 50 and model.alert.drop_points == 20 and model.alert.within_days == 14
    assert all(t.play and t.actions for t in model.tiers)
    assert all(f.action for f in model.flags)


def test_signal_settings(model):
    s = model.signals
    assert isinstance(s, SignalSettings)
    assert "integrations" in s.key_features and "budget" in s.budget_keywords


@pytest.mark.parametrize("score, tier", [
    (100, "Thriving"), (85, "Thriving"), (84.99, "Healthy"), (70, "Healthy"), (69.9, "Neutral"),
    (50, "Neutral"), (49.9, "At risk"), (30, "At risk"), (29.99, "Critical"), (0, "Critical"),
    (math.nan, "No data"),
])
def test_tier_boundaries(model, score, tier):
    assert list(assign_tiers(np.array([score]), model)) == [tier]


@pytest.mark.parametrize("tenure, stage", [(0, "onboarding"), (2.99, "onboarding"), (3, "adoption"),
                                           (11.9, "adoption"), (12, "mature"), (60, "mature"), (math.nan, None)])
def test_stage_for(model, tenure, stage):
    assert list(lifecycle_stages(np.array([tenure], dtype=float), model)) == [stage or UNKNOWN_STAGE]


def test_round_trip_dict_and_yaml(model):
    assert parse_model(model_to_dict(model)) == model
    assert parse_model(yaml.safe_load(dump_model_yaml(model))) == model


def test_min_coverage_default_validation_and_round_trip(model):
    assert model.min_coverage == 0.3  # set in model.yaml
    d = model_to_dict(model)
    assert d["min_coverage"] == 0.3
    del d["min_coverage"]
    assert parse_model(d).min_coverage == 0.3  # the default when the key is absent
    for value in (0, 1, 0.25):  # the ends of [0, 1] are allowed
        m = parse_model({**d, "min_coverage": value})
        assert m.min_coverage == value
        assert parse_model(model_to_dict(m)) == m and parse_model(yaml.safe_load(dump_model_yaml(m))) == m
    for bad in (-0.1, 1.5, "30%", True):
        with pytest.raises(ModelError, match="min_coverage"):
            parse_model({**d, "min_coverage": bad})
    with pytest.raises(ModelError, match="Did you mean 'min_coverage'"):
        parse_model({**d, "min_coverag": 0.3})


def test_segment_override_changes_only_what_it_lists(model):
    ent = effective_model(model, "Enterprise", None)
    aur = ent.component("usage").metric("active_user_ratio").norm
    assert (aur.bad, aur.good) == (0.05, 0.5)  # base is 0.1 / 0.7
    assert ent.component("engagement").weight == 30  # base 25
    assert ent.component("engagement").metric("meetings_90d").norm.good == 6
    assert ent.component("usage").weight == 35  # untouched
    assert ent.component("support") == model.component("support")
    assert ent.tiers == model.tiers and ent.overrides.segments == ()
    # Mid-Market has no override: only the overrides are dropped.
    assert effective_model(model, "Mid-Market", None).components == model.components


def test_stage_override_applies_after_segment(model):
    both = effective_model(model, "Enterprise", "onboarding")
    aur = both.component("usage").metric("active_user_ratio").norm
    assert (aur.bad, aur.good) == (0.05, 0.4)  # the stage's value wins over the segment's 0.5
    assert both.component("engagement").weight == 35  # stage 35 beats segment 30
    assert both.component("engagement").metric("meetings_90d").norm.good == 6  # from the segment
    assert both.component("engagement").metric("trainings_180d").weight == 3
    assert both.component("growth").weight == 5


def test_tuning_helpers_return_new_validated_models(model):
    m2 = edits.with_component_weight(model, "usage", 50)
    assert m2.component("usage").weight == 50 and model.component("usage").weight == 35
    assert edits.with_metric_weight(model, "usage", "feature_breadth", 0).component("usage").metric("feature_breadth").weight == 0
    assert edits.with_thresholds(model, "usage", "active_user_ratio", good=0.9).component("usage").metric(
        "active_user_ratio").norm.good == 0.9
    assert list(assign_tiers(np.array([88.0]), edits.with_tier_min(model, "Thriving", 90))) == ["Healthy"]
    assert edits.with_at_risk_below(model, 40).at_risk_below == 40
    assert edits.with_flag(model, "escalation", penalty=3).flags[4].penalty == 3
    bulk = edits.with_weights(model, {"usage": 10, "growth": 0}, {("support", "csat_180d"): 7})
    assert (bulk.component("usage").weight, bulk.component("growth").weight) == (10, 0)
    assert bulk.component("support").metric("csat_180d").weight == 7
    assert edits.with_component_weight(model, "usage", 35) is model  # no change, same object (cache hit)
    with pytest.raises(ModelError, match="components.usage.weight"):
        edits.with_component_weight(model, "usage", -1)
    with pytest.raises(ModelError, match="tiers"):
        edits.with_tier_min(model, "Healthy", 90)  # above Thriving 85
    with pytest.raises(ModelError, match="at_risk_below"):
        edits.with_at_risk_below(model, 120)
    with pytest.raises(KeyError):
        edits.with_component_weight(model, "usge", 3)


def test_no_data_tier():
    assert NO_DATA_TIER.name == "No data"


def test_save_is_atomic_and_keeps_previous(model, tmp_path):
    path = tmp_path / "model.yaml"
    assert save_model(model, path) is None  # nothing to back up yet
    first = path.read_text()
    changed = edits.with_component_weight(model, "usage", 40)
    backup = save_model(changed, path)
    assert backup is not None and backup.parent == tmp_path / "model_history"
    assert backup.read_text() == first
    assert load_model(path) == changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.yaml", "model_history"]  # no temp files
    backup2 = save_model(model, path)
    assert backup2 != backup and len(list((tmp_path / "model_history").iterdir())) == 2


def test_load_missing_file(tmp_path):
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "nope.yaml")


def test_there_is_a_bad_model_per_error_case():
    assert len(BAD) >= 20


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_model_message_names_the_key(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: ")
    fragments = [f.strip() for f in first[len("# expect: "):].split(" | ")]
    with pytest.raises(ModelError) as err:
        load_model(path)
    msg = str(err.value)
    assert str(path) in msg  # names the file
    for fragment in fragments:
        assert fragment in msg
