"""Tuning studio (analysts): change the model, see at once what it does to the book and to the backtest, publish.

Three fragments keep a change fast: the controls (switching tabs reruns them only), the results and the publish
panel (a control's change reruns these two only); publishing, restoring and accepting rerun the whole page.
"""
import streamlit as st

from chs_app import data, guards, sources, tuning_data
from chs_app.sections import tuning as sections
from chs_app.sections import tuning_controls as controls
from chs_app.sections import tuning_publish as drafts
from chs_core.settings import setting
from chs_core.tuning.publish import fingerprint

HORIZON = setting("backtest_horizon_months")

st.title("Tuning studio")
source = guards.source_or_stop()
published = guards.model_or_stop()
path = sources.model_path()
ref = data.current_source()
as_of, end = source.default_as_of, source.completeness.end_month
history = tuning_data.history(ref, published.signals, as_of, HORIZON, end)
st.caption(f"Draft vs published **{published.name} · version {published.version}** (`{path.name}`). Every change "
           f"rescores {len(history.account_id):,} account-months point in time and re-runs the backtest; the draft "
           "is saved as you go (its id is in the URL) and nothing changes for anyone until you publish.")
drafts.flash()
draft = drafts.current_draft(published, path)
if draft.base_fingerprint != fingerprint(path):
    st.warning("The published model changed since this draft began: publishing will be refused. Reset the draft "
               "to start from the published model.", icon=":material/sync_problem:")

controls.draw(published)
judged = sections.Judged(ref, published, as_of, HORIZON, end, path)
sections.results(history, judged)
with st.expander("Suggested weights", icon=":material/insights:"):
    drafts.suggestion(published, path, draft, lambda: tuning_data.suggestion(ref, published, as_of, HORIZON, end))
st.divider()
st.subheader("Publish")
sections.publish(history, judged)
