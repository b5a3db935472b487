"""Sections of the Data page: the source in use, what it can score, problems, tables and freshness, coverage."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app import data, sources, state
from chs_app.charts.data_page import coverage_figure
from chs_core.contract import INPUT_TABLES
from chs_core.model import Model
from chs_core.pipeline import CheckedSource
from chs_core.readiness import metric_coverage, readiness
from chs_core.settings import setting


def source_header(source: CheckedSource) -> None:
    name = "Demo data (synthetic)" if sources.is_demo(sources.data_location()) else source.label
    mapping = sources.mapping_location()
    st.markdown(f"**Source:** `{name}`" + (f"  \n**Mapping:** `{mapping}`" if mapping else ""))
    if st.session_state.get(state.DATA_LOCATION):
        st.button("Back to the default data", on_click=sources.reset_source, key="data_reset_source")
    for table, how in source.derived.items():
        st.info(f"**{table}** was not supplied: {how}.", icon=":material/info:")


def readiness_section(source: CheckedSource, model: Model) -> None:
    """Whether any account can be scored with this data and model, and what to add."""
    ready = readiness(model, source.columns)
    text = ready.advice()
    if ready.can_score:
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/warning:")
    billing = sources.BILLING_ONLY_MODEL.resolve()
    using_billing = sources.model_path().resolve() == billing
    if not ready.can_score and not using_billing:
        st.button("Use the billing-only model for this session", key="data_use_billing_model",
                  on_click=lambda: st.session_state.__setitem__(state.MODEL_PATH, str(billing)),
                  help="models/billing_only.yaml scores ARR and seat trend, renewal proximity, tenure and payment.")
    elif using_billing:
        st.caption("Scoring with **models/billing_only.yaml**: it sees billing only (growth, renewal, tenure, "
                   "payment), not usage or sentiment.")
        st.button("Back to the default model", key="data_default_model",
                  on_click=lambda: st.session_state.pop(state.MODEL_PATH, None))


def problems_section(source: CheckedSource) -> None:
    cols = st.columns(3)
    cols[0].metric("Errors", len(source.errors), help="Errors stop scoring: the numbers would be wrong.")
    cols[1].metric("Warnings", len(source.warnings), help="Warnings are shown; scoring goes on.")
    cols[2].metric("Tables supplied", f"{len(source.tables)} of {len(INPUT_TABLES)}")
    if not source.problems:
        st.success("No problems found: every table matches the data contract.", icon=":material/check_circle:")
        return
    st.dataframe(pd.DataFrame([{
        "severity": p.severity, "table": p.table, "column": p.column or "", "rows": p.rows,
        "problem": p.message, "how to fix": p.fix} for p in source.problems]), hide_index=True, key="quality_problems",
        column_config={"rows": st.column_config.NumberColumn("rows", format="localized"),
                       "problem": st.column_config.TextColumn("problem", width="large"),
                       "how to fix": st.column_config.TextColumn("how to fix", width="large")})


def _status(name: str, source: CheckedSource, fresh: dict) -> str:
    table = next(t for t in INPUT_TABLES if t.name == name)
    if name in source.derived:
        return "derived from subscriptions"
    if name not in source.tables:
        if name == "subscriptions":
            return "not supplied (arr_monthly given instead)" if "arr_monthly" in source.tables else "not supplied"
        return "MISSING" if table.required else "not supplied: its metrics count as missing"
    item = fresh.get(name)
    if item is not None and item.stale:
        return f"STALE: latest row {item.days_behind} days before the as-of date"
    return "supplied"


def tables_section(source: CheckedSource, as_of: date | None) -> None:
    fresh = {f.table: f for f in data.table_freshness_of(data.current_source(), as_of)}
    frame = pd.DataFrame([{
        "table": t.name, "required": "yes" if t.required else "no", "rows": source.tables.get(t.name),
        "first": fresh[t.name].first if t.name in fresh else None,
        "latest": fresh[t.name].latest if t.name in fresh else None,
        "days behind as-of": fresh[t.name].days_behind if t.name in fresh else None,
        "status": _status(t.name, source, fresh)} for t in INPUT_TABLES])
    # Typed columns, so a table without dates shows empty cells, not "None".
    frame["rows"] = frame["rows"].astype("Int64")
    frame["days behind as-of"] = frame["days behind as-of"].astype("Int64")
    for column in ("first", "latest"):
        frame[column] = pd.to_datetime(frame[column])
    st.dataframe(frame, hide_index=True, key="quality_tables", column_config={
        "rows": st.column_config.NumberColumn("rows", format="localized"),
        "first": st.column_config.DateColumn("first", format="YYYY-MM-DD", width="small"),
        "latest": st.column_config.DateColumn("latest", format="YYYY-MM-DD", width="small"),
        "days behind as-of": st.column_config.NumberColumn(
            "days behind as-of", help="As-of date minus the latest row's date (negative: rows after the as-of date)"),
        "status": st.column_config.TextColumn("status", width="large")})
    stale = [f for f in fresh.values() if f.stale]
    if stale:
        listed = ", ".join(f"{f.table} ({f.days_behind} days)" for f in stale)
        st.warning(f"Stale data: {listed} behind the as-of date {as_of:%d %b %Y} (more than {setting('stale_days')} "
                   "days). Scores use only what is there, so these tables' metrics describe the past: refresh the "
                   "export.", icon=":material/schedule:")
    if source.completeness is not None and source.completeness.message:
        st.caption(source.completeness.message)


def coverage_section(source: CheckedSource, model: Model, as_of: date) -> None:
    names = tuple(model.metric_names())
    history = data.metric_columns_history(data.current_source(), model.signals, as_of, names)
    coverage = metric_coverage(history, model)
    if coverage.empty:
        st.info("No month has scores yet, so there is no coverage to show.", icon=":material/info:")
        return
    st.plotly_chart(coverage_figure(coverage), key="data_coverage_chart")
    latest = coverage[coverage["as_of"] == coverage["as_of"].max()].sort_values("share", ascending=False)
    never = sorted(latest.loc[latest["share"] == 0, "metric"])
    if never:
        st.caption(f"No account has data for: {', '.join(never)} (as of {as_of:%d %b %Y}).")
    with_data = latest[latest["share"] > 0]
    st.dataframe(with_data.assign(share=with_data["share"] * 100)[["metric", "share"]], hide_index=True,
                 key="data_coverage_latest",
                 column_config={"share": st.column_config.ProgressColumn(
                     f"accounts with data on {as_of:%d %b %Y}", format="%.0f%%", min_value=0, max_value=100)})
