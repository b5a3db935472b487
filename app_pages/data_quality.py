"""Data quality: every problem in the data source, with the table, column and fix; what was loaded."""
import pandas as pd
import streamlit as st

from chs_app import data, sources
from chs_core.contract import TABLES

st.title("Data quality")
path = sources.data_path()
source = data.checked_source(data.current_source())
st.caption(f"Source: `{path}` · set `{sources.DATA_ENV}` to a folder of CSV/Parquet files or a .duckdb file to use your own data.")

errors = source.errors
warnings = [p for p in source.problems if p.severity != "error"]
cols = st.columns(3)
cols[0].metric("Errors", len(errors), help="Errors stop scoring: the numbers would be wrong.")
cols[1].metric("Warnings", len(warnings), help="Warnings are shown; scoring goes on.")
cols[2].metric("Tables supplied", f"{len(source.tables)} of {len(TABLES)}")

if not source.problems:
    st.success("No problems found: every table matches the data contract.", icon=":material/check_circle:")
else:
    st.dataframe(pd.DataFrame([{
        "severity": p.severity, "table": p.table, "column": p.column or "", "rows": p.rows,
        "problem": p.message, "how to fix": p.fix} for p in source.problems]), hide_index=True, key="quality_problems",
        column_config={"rows": st.column_config.NumberColumn("rows", format="localized"),
                       "problem": st.column_config.TextColumn("problem", width="large"),
                       "how to fix": st.column_config.TextColumn("how to fix", width="large")})

st.subheader("Tables")
st.dataframe(pd.DataFrame([{
    "table": t.name, "required": "yes" if t.required else "no",
    "rows": source.tables.get(t.name), "status": "supplied" if t.name in source.tables else
    ("MISSING" if t.required else "not supplied: its metrics count as missing and the rest are re-weighted"),
} for t in TABLES]), hide_index=True, key="quality_tables",
    column_config={"rows": st.column_config.NumberColumn("rows", format="localized")})
if source.completeness is not None:
    st.caption(source.completeness.message or f"ARR data runs {source.months[0]:%b %Y} – {source.months[-1]:%b %Y}.")
