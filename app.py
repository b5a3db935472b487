"""Navigation entry: page setup, the shared sidebar (data source and filters), then the chosen page.

The page icon is an emoji, not a Material icon: the app must start with no internet (no font fetched for it).
"""
import streamlit as st

from chs_app.sidebar import render_sidebar
from chs_core.memory_pages import avoid_huge_page_stalls
from chs_core.store import default_store

avoid_huge_page_stalls()

st.set_page_config(page_title="Customer Health Score", page_icon="🩺", layout="wide")
store = default_store()
if store is not None and (problem := store.problem()):  # every page reads through it: say so once, plainly
    st.error(problem, icon=":material/error:")
    st.stop()

pages = [
    st.Page("app_pages/executive.py", title="Executive overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/at_risk.py", title="At-risk accounts", icon=":material/priority_high:", url_path="at_risk"),
    st.Page("app_pages/account.py", title="Account", icon=":material/person_search:", url_path="account"),
    st.Page("app_pages/cohorts.py", title="Cohorts", icon=":material/stacked_line_chart:", url_path="cohorts"),
    st.Page("app_pages/loop.py", title="Closing the loop", icon=":material/published_with_changes:", url_path="loop"),
    st.Page("app_pages/data_quality.py", title="Data", icon=":material/fact_check:", url_path="data_quality"),
    st.Page("app_pages/tuning.py", title="Tuning studio", icon=":material/tune:", url_path="tuning"),
]
navigation = st.navigation(pages)
render_sidebar()
navigation.run()
