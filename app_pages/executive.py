"""Executive overview (CS leaders): retention KPIs that reconcile, the ARR bridge, and whether the tiers mean something."""
import streamlit as st

from chs_app import controls, guards, sidebar
from chs_app import executive_data as data
from chs_app.sections import executive as sections
from chs_app.sections import executive_bridge, executive_details, executive_health
from chs_core.kpis.periods import month_end, resolve_period

st.title("Executive overview")
source = guards.source_or_stop()
model = guards.model_or_stop()
check = source.completeness
if check.partial:
    sections.partial_month_notice(check.message)
sections.excluded_rows_note(source)

months = list(source.months)
top = st.columns([3, 2, 4])
with top[0]:
    kind = controls.period_kind()
with top[1]:
    end_month = controls.as_of_month(months, check.end_month)
period = resolve_period(kind, end_month)
as_of = month_end(period.end)
top[2].caption(f"**{period.label}**: ARR in {period.start:%b %Y} vs {period.end:%b %Y}; health as of "
               f"{as_of:%d %b %Y}. Showing {sidebar.filter_summary()}.")

ids = guards.filtered_ids_or_stop(source, "the numbers")
if period.start < months[0]:
    st.warning(f"The data starts in {months[0]:%b %Y}, so {period.label} has no starting cohort: pick a later as-of "
               "date or a shorter period.", icon=":material/history:")

view = data.View.of(data.source_ref(), model, kind, period.end, check.end_month, ids)
summary = data.summary(view)
scores_now = data.scores_now(view)
missing = sections.missing_tables(source)
no_scores = data.no_scores_reason(view, missing)

sections.kpi_cards(summary, lambda where: executive_health.queue_link(
    "Open in the queue", {"tier": executive_health.at_risk_tiers(model), "as_of": as_of.isoformat()},
    container=where))
sections.definitions(summary.retention)
st.divider()
executive_bridge.bridge(data.bridge_health(view), source.accounts, summary.retention, view.period_key)
st.divider()
executive_details.details(view, scores_now, summary, missing, no_scores)
