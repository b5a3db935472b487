"""Executive overview (CS leaders): retention KPIs that reconcile, the ARR bridge, and whether the tiers mean something."""
import streamlit as st

from chs_app import data, guards, sidebar, state
from chs_app.sections import executive as sections
from chs_core.kpis.executive import executive_summary, health_history, scores_on
from chs_core.kpis.periods import month_end, resolve_period
from chs_core.outcomes.alerts import alert_dates, score_drops
from chs_core.outcomes.tier_outcomes import flag_quality_of, judged_outcomes, tier_outcomes_of
from chs_core.selection import only_accounts
from chs_core.settings import setting

HORIZON_MONTHS = setting("backtest_horizon_months")  # "churned or contracted within 90 days"

st.title("Executive overview")
source = guards.source_or_stop()
model = guards.model_or_stop()
check = source.completeness
if check.partial:
    sections.partial_month_notice(check.message)

months = list(source.months)
controls = st.columns([3, 2, 4])
kind = controls[0].radio("Period", list(sections.PERIOD_KINDS), format_func=sections.PERIOD_KINDS.get,
                         horizontal=True, key=state.EXEC_PERIOD_KIND)
end_month = controls[1].selectbox("As of (month end)", months[::-1], index=months[::-1].index(check.end_month),
                                  format_func=sections.month_label, key=state.EXEC_END_MONTH,
                                  help="The period ends with this month's ARR snapshot; health scores are as of its last day.")
period = resolve_period(kind, end_month)
controls[2].caption(f"**{period.label}**: ARR in {period.start:%b %Y} vs {period.end:%b %Y}; health as of "
                    f"{month_end(period.end):%d %b %Y}. Showing {sidebar.filter_summary()}.")

ids = sidebar.filtered_account_ids(source.accounts)
if ids is not None and not ids:
    st.info("No accounts match the filters in the sidebar. Clear a filter to see the numbers.", icon=":material/filter_alt_off:")
    st.stop()
if period.start < months[0]:
    st.warning(f"The data starts in {months[0]:%b %Y}, so {period.label} has no starting cohort: pick a later end "
               "month or a shorter period.", icon=":material/history:")

history = data.scored_history(data.current_source(), model, month_end(max(end_month, check.end_month)))
tier_order = model.tier_names()
summary = executive_summary(source.arr, history, period, tier_order, ids)
history = only_accounts(history, ids)
scores_now = scores_on(history, summary.health_as_of)

sections.kpi_cards(summary)
sections.definitions(summary.retention)
st.divider()
sections.bridge(source.arr, source.accounts, summary, ids)
st.divider()
alert_scores = data.scores_at(data.current_source(), model, tuple(alert_dates(summary.health_as_of, model.alert)))
fired = only_accounts(score_drops(alert_scores, summary.health_as_of, model.alert), ids)
sections.distribution(scores_now, summary, model, fired)
st.divider()
judged = judged_outcomes(history, source.arr, HORIZON_MONTHS, check.end_month)
sections.tier_outcomes(tier_outcomes_of(judged, tier_order), flag_quality_of(judged), model, HORIZON_MONTHS)
st.divider()
sections.trends(source.arr, health_history(history[history["as_of"] <= summary.health_as_of]), kind, ids)
st.divider()
sections.breakdowns(scores_now, model)
