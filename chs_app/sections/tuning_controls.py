"""The tuning page's controls: weights, thresholds, flags, tiers and cut-off, overrides (draft vs published).

Every control is keyed TUNING_PREFIX + its chs_core.tuning.form name and never given a value argument.
The draft (state.TUNING_DRAFT) is the source of truth, not the widgets: only the open tab's controls are drawn
(lazy tabs, in their own fragment, so switching tabs reruns only them), a control drawn again is filled from
the draft, and the model is read from the draft's values overlaid with the controls present. Moving a control
reruns only the result fragments (its callback names them), never the controls or the rest of the page.
"""
from __future__ import annotations

import streamlit as st

from chs_app import state
from chs_core.model import Model
from chs_core.tuning.form import NORM_FIELDS, values_of

P = state.TUNING_PREFIX
FIELD_LABELS = {"bad": "0 points at", "good": "100 points at", "band_low": "band from", "band_high": "band to",
                "bad_below": "0 points below", "bad_above": "0 points above"}
RESULTS = ("tuning_results", "tuning_publish")  # the fragments a control change reruns
TABS = ("Weights", "Thresholds", "Flags", "Tiers and cut-off", "Segment and stage overrides")


def filled(published: Model, model: Model) -> dict[str, object]:
    """Every control's value for `model`; a published flag the draft leaves out is switched off."""
    out = values_of(published) | values_of(model)
    draft_flags = {f.name for f in model.flags}
    return out | {f"on:{f.name}": False for f in published.flags if f.name not in draft_flags}


def seed(published: Model, model: Model, tag: str) -> None:
    """Fill every control from `model` (a new draft, a reset, an accepted suggestion, a restore)."""
    for k, v in filled(published, model).items():
        st.session_state[P + k] = v
    st.session_state[state.TUNING_SEEDED] = tag


def values(published: Model, draft: Model) -> dict[str, object]:
    """The values the controls describe: the draft's, overlaid with every control present in the session."""
    return {k: st.session_state.get(P + k, v) for k, v in filled(published, draft).items()}


def _rerun_results() -> None:
    st.rerun(list(RESULTS))


def _filler(draft_values: dict[str, object]):
    """key(name): the control's key, its value filled from the draft when the control was not drawn last run."""
    def key(name: str) -> str:
        full = P + name
        if full not in st.session_state:
            st.session_state[full] = draft_values[name]
        return full
    return key


_LIVE = {"on_change": _rerun_results}


def _was(value) -> str:
    return f"Published: {value:g}" if isinstance(value, (int, float)) else "Published: none"


def weights(published: Model, fill) -> None:
    st.caption("Weights are relative: a component's weight against the others, a metric's against the other "
               "metrics of its component. 0 keeps it visible with no say in the score.")
    cols = st.columns(len(published.components))
    for col, c in zip(cols, published.components):
        with col:
            st.slider(f"**{c.name}**", 0.0, 100.0, step=0.1, key=fill(f"cw:{c.name}"), **_LIVE, help=_was(c.weight))
            with st.expander("metric weights"):
                for m in c.metrics:
                    st.slider(m.name, 0.0, 10.0, step=0.1, key=fill(f"mw:{c.name}:{m.name}"), **_LIVE, help=_was(m.weight))


def thresholds(published: Model, fill) -> None:
    st.caption("Where a metric's raw value earns 0 and 100 points (band: 100 inside, 0 beyond the outer values).")
    for c in published.components:
        with st.expander(c.name):
            for m in c.metrics:
                fields = NORM_FIELDS[m.norm.direction]
                cols = st.columns([2] + [1] * len(fields))
                cols[0].markdown(f"`{m.name}`  \n{m.norm.direction.replace('_', ' ')}")
                for col, f in zip(cols[1:], fields):
                    col.number_input(FIELD_LABELS[f], key=fill(f"th:{c.name}:{m.name}:{f}"), **_LIVE, format="%g",
                                     help=_was(getattr(m.norm, f)))


def flags(published: Model, fill) -> None:
    st.caption("A fired flag subtracts its penalty; a cap is the highest score allowed while it fires. "
               "Switch a flag off to leave it out of the score.")
    for f in published.flags:
        cols = st.columns([3, 1, 3, 2])
        cols[0].markdown(f"**{f.label}**  \n`{f.name}` · {f.severity.replace('_', ' ')}")
        cols[1].toggle("on", key=fill(f"on:{f.name}"), **_LIVE)
        cols[2].slider("penalty", 0.0, 50.0, step=1.0, key=fill(f"pen:{f.name}"), **_LIVE, help=_was(f.penalty))
        cols[3].number_input("cap (empty: none)", 0.0, 100.0, step=1.0, key=fill(f"cap:{f.name}"), **_LIVE, help=_was(f.cap))


def tiers(published: Model, fill) -> None:
    st.caption("A score belongs to the first tier whose minimum it reaches; the last tier starts at 0.")
    cols = st.columns(len(published.tiers))
    for col, t in zip(cols[:-1], published.tiers[:-1]):
        col.slider(f"{t.name} from", 0.0, 100.0, step=1.0, key=fill(f"tier:{t.name}"), **_LIVE, help=_was(t.min_score))
    cols[-1].markdown(f"{published.tiers[-1].name} from **0**")
    st.slider("At risk below (the cut-off behind at-risk ARR, recall and precision)", 0.0, 100.0, step=1.0,
              key=fill("at_risk_below"), **_LIVE, help=_was(published.at_risk_below))


def overrides(published: Model, fill) -> None:
    st.caption("Per-segment and per-lifecycle-stage changes, as in model.yaml's `overrides:` (only what is listed "
               "changes). Validated as you type: a wrong key is named.")
    st.text_area("overrides (YAML)", key=fill("overrides"), **_LIVE, height=260, label_visibility="collapsed")


@st.fragment(key="tuning_controls")
def draw(published: Model) -> None:
    """The open tab's controls (switching tabs reruns this fragment only)."""
    fill = _filler(filled(published, st.session_state[state.TUNING_DRAFT].model))
    tabs = st.tabs(list(TABS), key=state.TUNING_TAB, on_change="rerun")
    for tab, part in zip(tabs, (weights, thresholds, flags, tiers, overrides)):
        if tab.open:
            with tab:
                part(published, fill)
