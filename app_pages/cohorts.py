"""Cohorts (CS leaders): logo retention and NRR by start cohort or group, against months since start."""
import streamlit as st

from chs_app import data, guards, sidebar
from chs_app.sections import cohorts as sections
from chs_core.kpis.cohorts import available_groupings, cohort_table

st.title("Cohorts")
st.caption("Do newer customers stay and grow like older ones? Each row follows the accounts that started together "
           "(or share a segment, industry, ARR band or channel) month by month from their start.")
source = guards.source_or_stop()
ids = guards.filtered_ids_or_stop(source, "the cohorts")
accounts = data.cohort_accounts(data.current_source())
by = sections.grouping(available_groupings(accounts))
try:
    table = cohort_table(accounts, source.arr, by, source.completeness.end_month, ids)
except ValueError as exc:
    st.info(str(exc), icon=":material/info:")
    st.stop()
if table.sizes.empty:
    st.info("No account started inside the ARR history, so there is no cohort to follow: every account's start "
            "(customer_since, else its first month with ARR) is before the first month of arr_monthly.",
            icon=":material/history:")
    st.stop()
sections.apply_click(table)
sections.summary(table, sidebar.filter_summary())
sections.triangles(table)
st.divider()
sections.curves(table)
st.divider()
sections.cell(table, source.accounts)
sections.definitions()
