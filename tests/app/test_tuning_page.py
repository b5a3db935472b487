"""Tuning studio through AppTest: a slider move rescores the history and changes the figures, a publish writes a
new version and keeps the old one, a publish over a model changed meanwhile is refused, a draft survives a reload.

The expected AUC after a move is worked out apart from the page: the edited model scores the history with
chs_core.pipeline, and scikit-learn's roc_auc_score ranks it against the churn labels (a second AUC method).
"""
from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from chs_app import state
from chs_core.model import edits, list_versions, load_model, save_model
from chs_core.outcomes.labels import label_history
from chs_core.pipeline import check_source, history_dates, metrics_with_accounts
from chs_core.scoring import score_frame
from chs_core.settings import DEFAULT_MODEL
from chs_core.sources import open_dataset

KEY = state.TUNING_PREFIX + "cw:financial"


@pytest.fixture
def model_copy(tmp_path):
    path = tmp_path / "model.yaml"
    shutil.copy(DEFAULT_MODEL, path)
    return path


def _open(run_app, page_paths, demo_db, model_copy):
    at = run_app(demo_db, model_copy)
    at.switch_page(page_paths["tuning"]).run()
    assert not at.exception, at.exception
    return at


def _table(at, columns: set[str]):
    """The one table with these columns (AppTest does not expose st.dataframe keys)."""
    found = [d.value for d in at.dataframe if columns <= set(d.value.columns)]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


MIGRATION = {"Thriving", "Healthy", "Neutral", "At risk", "Critical"}


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


def _expected_auc(demo_db, model) -> float:
    checked = check_source(demo_db)
    with open_dataset(demo_db) as ds:
        metrics = metrics_with_accounts(ds, history_dates(checked.arr, checked.default_as_of), model.signals)
    scores = score_frame(metrics, model).frame["health_score"].to_numpy(dtype=float)
    lab = label_history(metrics, checked.arr, 3, checked.completeness.end_month)
    s = scores[lab.rows]
    ok = ~np.isnan(s)
    return roc_auc_score(lab.churned[ok], -s[ok])


def test_a_slider_move_changes_the_figures(run_app, page_paths, demo_db, model_copy):
    at = _open(run_app, page_paths, demo_db, model_copy)
    before = _metric(at, "AUC (churn)").value
    table_before = _table(at, MIGRATION).copy()
    at.slider(key=KEY).set_value(60.0).run()
    assert not at.exception
    after = _metric(at, "AUC (churn)")
    assert after.value != before and after.delta is not None
    moved = edits.with_component_weight(load_model(model_copy), "financial", 60)
    assert float(after.value) == pytest.approx(_expected_auc(demo_db, moved), abs=5e-4)
    table = _table(at, MIGRATION)
    assert (table.to_numpy() != table_before.to_numpy()).any()  # accounts changed tier
    assert np.trace(table.to_numpy()) < table.to_numpy().sum()


def test_publish_writes_a_new_version_and_keeps_the_old(run_app, page_paths, demo_db, model_copy):
    old_text = model_copy.read_text()
    at = _open(run_app, page_paths, demo_db, model_copy)
    at.slider(key=KEY).set_value(40.0).run()
    at.text_input(key=state.TUNING_NOTE).input("more weight on renewal timing").run()
    at.button(key="tuning_publish").click().run()
    assert not at.exception
    assert any("Published version 2" in s.value for s in at.success)
    new = load_model(model_copy)
    assert new.version == "2" and new.component("financial").weight == 40
    versions = list_versions(model_copy)
    assert [v.version for v in versions] == ["2", "1"] and versions[0].note == "more weight on renewal timing"
    assert versions[1].path.read_text() == old_text  # the previous file, byte for byte


def test_publish_over_a_model_changed_meanwhile_is_refused(run_app, page_paths, demo_db, model_copy):
    at = _open(run_app, page_paths, demo_db, model_copy)
    at.slider(key=KEY).set_value(40.0).run()
    # Another analyst publishes first.
    theirs = edits.with_component_weight(load_model(model_copy), "usage", 50)
    save_model(theirs, model_copy, note="their change")
    at.text_input(key=state.TUNING_NOTE).input("my change").run()
    at.button(key="tuning_publish").click().run()
    assert not at.exception
    assert any("Not published" in e.value for e in at.error)
    conflict = _table(at, {"key", "when the draft began", "published now"})
    assert "components.usage.weight" in set(conflict["key"])  # what they changed
    assert load_model(model_copy) == theirs  # their version stands


def test_a_draft_survives_a_reload(run_app, page_paths, demo_db, model_copy):
    at = _open(run_app, page_paths, demo_db, model_copy)
    at.slider(key=KEY).set_value(55.0).run()
    draft_id = at.query_params[state.TUNING_DRAFT_PARAM]
    again = run_app(demo_db, model_copy)
    again.query_params[state.TUNING_DRAFT_PARAM] = draft_id
    again.switch_page(page_paths["tuning"]).run()
    assert again.slider(key=KEY).value == 55.0
    assert load_model(model_copy).component("financial").weight == 5  # nothing published


def test_hidden_tabs_keep_what_was_set_and_only_the_open_tab_is_drawn(run_app, page_paths, demo_db, model_copy):
    at = _open(run_app, page_paths, demo_db, model_copy)
    flag_toggles = lambda: [t for t in at.toggle if t.key.startswith(state.TUNING_PREFIX + "on:")]  # noqa: E731
    assert not flag_toggles()  # the Flags tab is closed: its controls are not drawn
    at.slider(key=KEY).set_value(60.0).run()
    at.session_state[state.TUNING_TAB] = "Flags"
    at.run()
    assert not at.exception
    assert not [s for s in at.slider if s.key == KEY] and flag_toggles()  # Flags open, Weights closed
    flag = load_model(model_copy).flags[0].name
    at.toggle(key=state.TUNING_PREFIX + f"on:{flag}").set_value(False).run()
    draft = at.session_state[state.TUNING_DRAFT].model
    assert flag not in {f.name for f in draft.flags} and draft.component("financial").weight == 60
    at.session_state[state.TUNING_TAB] = "Weights"
    at.run()
    assert at.slider(key=KEY).value == 60.0  # filled again from the draft
    assert flag not in {f.name for f in at.session_state[state.TUNING_DRAFT].model.flags}


def test_auc_intervals_on_request(run_app, page_paths, demo_db, model_copy):
    at = _open(run_app, page_paths, demo_db, model_copy)
    quality = _table(at, {"measure", "published", "draft"})
    assert quality.set_index("measure").loc["95% interval", "published"] == "on request (switch)"
    at.toggle(key=state.TUNING_INTERVALS).set_value(True).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if "95% interval" in m.value)
    auc, lo, hi = (float(x) for x in re.search(r"published ([\d.]+) \(([\d.]+)–([\d.]+)\)", line).groups())
    assert lo < auc < hi and 0.005 < hi - lo < 0.25
    assert "change +0.000 (+0.000 to +0.000)" in line  # the draft is the published model
    assert any("resamples of whole accounts" in c.value for c in at.caption)
    at.slider(key=KEY).set_value(60.0).run()
    line = next(m.value for m in at.markdown if "95% interval" in m.value)
    d_auc, d_lo, d_hi = (float(x) for x in re.search(r"draft ([\d.]+) \(([\d.]+)–([\d.]+)\)", line).groups())
    change, c_lo, c_hi = (float(x) for x in re.search(r"change ([+-][\d.]+) \(([+-][\d.]+) to ([+-][\d.]+)\)",
                                                      line).groups())
    assert d_lo < d_auc < d_hi and c_lo < change < c_hi
    assert change == pytest.approx(d_auc - auc, abs=1.5e-3)  # same rows: both models score every judged row here
    assert float(_metric(at, "AUC (churn)").value) == pytest.approx(d_auc, abs=5e-4)
    q = _table(at, {"measure", "published", "draft"}).set_index("measure")
    assert q.loc["95% interval", "draft"] == f"{d_lo:.3f}–{d_hi:.3f}"
