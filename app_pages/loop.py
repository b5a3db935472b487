"""Closing the loop (leaders, CS ops): do CSMs act on flagged accounts in time, and are the accounts they touch saved?"""
import streamlit as st

from chs_app import controls, data, guards, sidebar
from chs_app.sections import loop as sections
from chs_core.kpis.periods import month_end

st.title("Closing the loop")
st.caption("From a flagged account to a CSM touch to what happened: how fast the team responds to accounts that went "
           "at risk or dropped sharply, and how those accounts fared.")
source = guards.source_or_stop()
model = guards.model_or_stop()
ids = guards.filtered_ids_or_stop(source, "the loop")
check = source.completeness
end_month = controls.as_of_month(list(source.months), check.end_month)
as_of = month_end(end_month)
st.caption(f"Flagged accounts and CSM activities up to **{as_of:%d %b %Y}** · {sidebar.filter_summary()}.")
if "csm_activities" not in source.tables:
    st.warning("This data has no csm_activities table, so no flagged account can show a touch. Supply csm_activities "
               "(account_id, activity_date, activity_type, outcome) to measure the response.",
               icon=":material/event_busy:")

report = data.loop_report(data.current_source(), model, as_of, None if ids is None else tuple(ids))
if report.flags.empty:
    st.info("No account went at risk or raised a score-drop alert in this history, so there is nothing to follow up.",
            icon=":material/task_alt:")
    st.stop()
sections.headline(report)
sections.charts_row(report)
st.divider()
sections.response_tables(report, model.tier_names())
st.divider()
sections.plays(report)
st.divider()
sections.flag_list(report)
sections.definitions(report)
