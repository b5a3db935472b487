"""Data: the source in use and what it can score; problems; tables with freshness; metric coverage; connect other data."""
import streamlit as st

from chs_app import data
from chs_app.sections import data_connect, data_page
from chs_core.errors import ModelError

st.title("Data")
source = data.checked_source(data.current_source())
data_page.source_header(source)
try:
    model = data.current_model()
except ModelError as exc:
    model = None
    st.error(f"The scoring model cannot be used: {exc}", icon=":material/error:")

if model is not None and source.opened:
    data_page.readiness_section(source, model)
st.subheader("Problems")
data_page.problems_section(source)
st.subheader("Tables")
data_page.tables_section(source, source.default_as_of)
if model is not None and source.usable and source.default_as_of is not None:
    st.subheader("Metric coverage over time")
    data_page.coverage_section(source, model, source.default_as_of)
st.subheader("Connect other data")
data_connect.connect_section()
