"""The tuning page's draft life cycle: the draft in the URL, suggested weights, publish with a diff, restore."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.sections import tuning_controls as controls
from chs_core.errors import ModelError
from chs_core.model import Model, list_versions
from chs_core.tuning.drafts import Draft, load_draft, new_draft_id, save_draft
from chs_core.tuning.form import model_from_values
from chs_core.tuning.live import Figures
from chs_core.tuning.publish import Change, PublishConflict, fingerprint, model_diff, publish, restore
from chs_core.tuning.weights import accept_components


def current_draft(published: Model, path: Path) -> Draft:
    """The draft named in the URL (a reload finds it again), else a new one from the published model."""
    d: Draft | None = st.session_state.get(state.TUNING_DRAFT)
    wanted = st.query_params.get(state.TUNING_DRAFT_PARAM)
    if d is None or (wanted and wanted != d.id):
        d = load_draft(path, wanted) if wanted else None
        if d is None:
            d = Draft(new_draft_id(), published, published, fingerprint(path))
            save_draft(path, d)
        st.session_state[state.TUNING_DRAFT] = d
    st.query_params[state.TUNING_DRAFT_PARAM] = d.id
    if st.session_state.get(state.TUNING_SEEDED) != d.id:
        controls.seed(published, d.model, d.id)
    return d


def edited(published: Model, path: Path) -> tuple[Draft, str | None]:
    """The draft as the controls describe it now, saved when they changed it; with the reason when the
    controls do not make a valid model (the draft then stays the last valid one)."""
    d: Draft = st.session_state[state.TUNING_DRAFT]
    try:
        model = model_from_values(published, controls.values(published, d.model))
    except ModelError as exc:
        return d, str(exc)
    if model != d.model:
        d = Draft(d.id, model, d.base, d.base_fingerprint)
        save_draft(path, d)
        st.session_state[state.TUNING_DRAFT] = d
    return d, None


def _draft() -> Draft:
    return st.session_state[state.TUNING_DRAFT]


def _replace_draft(published: Model, path: Path, model: Model, base: Model | None = None, fp: str | None = None):
    """Start over from `model` (callbacks: reset, accept, after publish) with a fresh draft id."""
    d = Draft(new_draft_id(), model, base or published, fingerprint(path) if fp is None else fp)
    save_draft(path, d)
    st.session_state[state.TUNING_DRAFT] = d
    st.query_params[state.TUNING_DRAFT_PARAM] = d.id
    controls.seed(published, model, d.id)
    st.rerun()  # the whole page: the controls show the new draft (a callback's rerun, so no run is lost)


def reset_button(published: Model, path: Path, d: Draft) -> None:
    st.button("Reset the draft to the published model", on_click=_replace_draft, icon=":material/restart_alt:",
              args=(published, path, published), key="tuning_reset", disabled=d.model == published)


def _changes_frame(changes: list[Change], before: str = "published", after: str = "draft") -> pd.DataFrame:
    return pd.DataFrame([{"key": c.key, before: "—" if c.before is None else str(c.before),
                          after: "—" if c.after is None else str(c.after)} for c in changes])


def suggestion(published: Model, path: Path, d: Draft, suggest) -> None:
    """Suggested weights beside the current draft; accept all, some components, or none."""
    st.caption("Weights learned from the history: fitted on earlier as-of dates, tested on later ones a horizon "
               "apart against the current weights (the published thresholds and flags stay).")
    if not st.session_state.get(state.TUNING_SHOW_SUGGESTION):
        st.button("Suggest weights from the data", key="tuning_suggest",
                  on_click=lambda: st.session_state.__setitem__(state.TUNING_SHOW_SUGGESTION, True))
        return
    try:
        s = suggest()
    except ValueError as exc:
        st.warning(str(exc), icon=":material/history:")
        return
    (st.success if s.gain else st.info)("\n\n".join(s.summary[:3]), icon=":material/insights:")
    for line in s.summary[3:]:
        st.markdown(f"- {line}")
    shares = pd.DataFrame([{"component": c, "metric": m, "share now": f"{a:.1%}", "share suggested": f"{b:.1%}"}
                           for c, m, a, b in s.shares])
    st.dataframe(shares, hide_index=True, width="stretch", key="tuning_suggestion_table")
    names = [c.name for c in published.components]
    pick = st.multiselect("Accept the suggested weights of these components", names, key="tuning_accept_pick")
    cols = st.columns(2)
    cols[0].button("Accept all suggested weights", key="tuning_accept_all",
                   on_click=lambda: _replace_draft(published, path, s.draft, _draft().base, _draft().base_fingerprint))
    cols[1].button("Accept the chosen components", key="tuning_accept_some", disabled=not pick,
                   on_click=lambda: _replace_draft(published, path, accept_components(_draft().model, s.draft, pick),
                                                   _draft().base, _draft().base_fingerprint))


def _do_publish(published: Model, path: Path) -> None:
    d = _draft()
    note = st.session_state.get(state.TUNING_NOTE, "")
    try:
        new, _ = publish(d.model, path, note, d.base_fingerprint, d.base)
    except PublishConflict as exc:
        st.session_state[state.TUNING_FLASH] = ("conflict", str(exc), exc.changes)
        st.rerun()  # the message shows at the top of the page
    except ValueError as exc:
        st.session_state[state.TUNING_FLASH] = ("error", str(exc), [])
        st.rerun()
    st.session_state[state.TUNING_NOTE] = ""
    st.session_state[state.TUNING_FLASH] = ("published", f"Published version {new.version}.", [])
    _replace_draft(new, path, new, new, fingerprint(path))


def _do_restore(published: Model, path: Path) -> None:
    pick = st.session_state.get(state.TUNING_RESTORE_PICK)
    try:
        new, _ = restore(pick, path, fingerprint(path))
    except (OSError, ValueError) as exc:
        st.session_state[state.TUNING_FLASH] = ("error", str(exc), [])
        st.rerun()
    st.session_state[state.TUNING_FLASH] = ("published", f"Restored as version {new.version}.", [])
    _replace_draft(new, path, new, new, fingerprint(path))


def flash() -> None:
    """The result of the last publish or restore (set by a callback, shown once)."""
    kind, text, changes = st.session_state.pop(state.TUNING_FLASH, (None, "", []))
    if kind == "published":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/error:")
    elif kind == "conflict":
        st.error(f"Not published. {text}", icon=":material/block:")
        if changes:
            st.markdown("What was published meanwhile:")
            st.dataframe(_changes_frame(changes, "when the draft began", "published now"), hide_index=True,
                         width="stretch", key="tuning_conflict")


def publish_panel(published: Model, path: Path, d: Draft, before: Figures, after: Figures) -> None:
    changes = model_diff(published, d.model)
    if not changes:
        st.caption("The draft equals the published model: nothing to publish.")
    else:
        st.markdown(f"**{len(changes)} change(s)** against version {published.version}:")
        st.dataframe(_changes_frame(changes), hide_index=True, width="stretch", key="tuning_diff")
        b, a = before.churn, after.churn
        fmt = lambda x: "—" if x is None else f"{x:.3f}"  # noqa: E731
        st.caption(f"Effect on the backtest: AUC {fmt(b.auc)} → {fmt(a.auc)}, lift {fmt(b.lift_top_decile)} → "
                   f"{fmt(a.lift_top_decile)}, recall {fmt(b.recall)} → {fmt(a.recall)}, precision "
                   f"{fmt(b.precision)} → {fmt(a.precision)}.")
    st.text_input("Change note (kept with the version)", key=state.TUNING_NOTE,
                  placeholder="e.g. more weight on renewal timing after the Q3 backtest")
    st.button(f"Publish as version {_next(published)}", type="primary", key="tuning_publish", disabled=not changes,
              on_click=_do_publish, args=(published, path))
    versions = list_versions(path)
    if len(versions) > 1:
        st.markdown("**Versions** (newest first; restoring publishes the old version again as a new one)")
        st.dataframe(pd.DataFrame([{"version": v.version, "saved": v.saved, "note": v.note, "file": v.path.name}
                                   for v in versions]), hide_index=True, width="stretch", key="tuning_versions")
        older = versions[1:]
        st.selectbox("Version to restore", [str(v.path) for v in older], key=state.TUNING_RESTORE_PICK,
                     format_func=lambda p: next(f"version {v.version} · {v.saved}" for v in older if str(v.path) == p))
        st.button("Restore this version", key="tuning_restore", on_click=_do_restore, args=(published, path))


def _next(published: Model) -> str:
    from chs_core.tuning.publish import next_version

    return next_version(published.version)
