"""The tuning page's controls: weights, thresholds, flags, tiers and cut-off, overrides (draft vs published).

Every control is keyed TUNING_PREFIX + its chs_core.tuning.form name and filled from the draft when the
draft changes (seed), never given a value argument, so Streamlit keeps what the analyst set across reruns.
Every control is drawn on every run (tabs and expanders do not skip their content): a control that is not
drawn would lose its value.
"""
from __future__ import annotations

import streamlit as st

from chs_app import state
from chs_core.model import Model
from chs_core.tuning.form import NORM_FIELDS, values_of

P = state.TUNING_PREFIX
FIELD_LABELS = {"bad": "0 points at", "good": "100 points at", "band_low": "band from", "band_high": "band to",
                "bad_below": "0 points below", "bad_above": "0 points above"}


def seed(published: Model, model: Model, tag: str) -> None:
    """Fill every control from `model` (a new draft, a reset, an accepted suggestion, a restore); a published
    flag the draft leaves out is switched off."""
    filled = values_of(published) | values_of(model)
    draft_flags = {f.name for f in model.flags}
    filled |= {f"on:{f.name}": False for f in published.flags if f.name not in draft_flags}
    for k, v in filled.items():
        st.session_state[P + k] = v
    st.session_state[state.TUNING_SEEDED] = tag


def values(published: Model) -> dict[str, object]:
    """The controls' current values (after they were drawn this run)."""
    return {k: st.session_state[P + k] for k in values_of(published) if P + k in st.session_state}


def _was(value) -> str:
    return f"Published: {value:g}" if isinstance(value, (int, float)) else "Published: none"


def weights(published: Model) -> None:
    st.caption("Weights are relative: a component's weight against the others, a metric's against the other "
               "metrics of its component. 0 keeps it visible with no say in the score.")
    cols = st.columns(len(published.components))
    for col, c in zip(cols, published.components):
        with col:
            st.slider(f"**{c.name}**", 0.0, 100.0, step=0.1, key=f"{P}cw:{c.name}", help=_was(c.weight))
            with st.expander("metric weights"):
                for m in c.metrics:
                    st.slider(m.name, 0.0, 10.0, step=0.1, key=f"{P}mw:{c.name}:{m.name}", help=_was(m.weight))


def thresholds(published: Model) -> None:
    st.caption("Where a metric's raw value earns 0 and 100 points (band: 100 inside, 0 beyond the outer values).")
    for c in published.components:
        with st.expander(c.name):
            for m in c.metrics:
                fields = NORM_FIELDS[m.norm.direction]
                cols = st.columns([2] + [1] * len(fields))
                cols[0].markdown(f"`{m.name}`  \n{m.norm.direction.replace('_', ' ')}")
                for col, f in zip(cols[1:], fields):
                    col.number_input(FIELD_LABELS[f], key=f"{P}th:{c.name}:{m.name}:{f}", format="%g",
                                     help=_was(getattr(m.norm, f)))


def flags(published: Model) -> None:
    st.caption("A fired flag subtracts its penalty; a cap is the highest score allowed while it fires. "
               "Switch a flag off to leave it out of the score.")
    for f in published.flags:
        cols = st.columns([3, 1, 3, 2])
        cols[0].markdown(f"**{f.label}**  \n`{f.name}` · {f.severity.replace('_', ' ')}")
        cols[1].toggle("on", key=f"{P}on:{f.name}")
        cols[2].slider("penalty", 0.0, 50.0, step=1.0, key=f"{P}pen:{f.name}", help=_was(f.penalty))
        cols[3].number_input("cap (empty: none)", 0.0, 100.0, step=1.0, key=f"{P}cap:{f.name}", help=_was(f.cap))


def tiers(published: Model) -> None:
    st.caption("A score belongs to the first tier whose minimum it reaches; the last tier starts at 0.")
    cols = st.columns(len(published.tiers))
    for col, t in zip(cols[:-1], published.tiers[:-1]):
        col.slider(f"{t.name} from", 0.0, 100.0, step=1.0, key=f"{P}tier:{t.name}", help=_was(t.min_score))
    cols[-1].markdown(f"{published.tiers[-1].name} from **0**")
    st.slider("At risk below (the cut-off behind at-risk ARR, recall and precision)", 0.0, 100.0, step=1.0,
              key=f"{P}at_risk_below", help=_was(published.at_risk_below))


def overrides() -> None:
    st.caption("Per-segment and per-lifecycle-stage changes, as in model.yaml's `overrides:` (only what is listed "
               "changes). Validated as you type: a wrong key is named.")
    st.text_area("overrides (YAML)", key=f"{P}overrides", height=260, label_visibility="collapsed")


def draw(published: Model) -> None:
    tabs = st.tabs(["Weights", "Thresholds", "Flags", "Tiers and cut-off", "Segment and stage overrides"])
    with tabs[0]:
        weights(published)
    with tabs[1]:
        thresholds(published)
    with tabs[2]:
        flags(published)
    with tabs[3]:
        tiers(published)
    with tabs[4]:
        overrides()
