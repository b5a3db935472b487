"""The sidebar every page shares: which data and model the numbers come from, and filters kept in the URL."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from chs_app import sources, state
from chs_app.data import checked_source, current_model, current_source
from chs_core.errors import ModelError
from chs_core.selection import selected_account_ids

FILTERS = ((state.FILTER_SEGMENT, "segment", "Segment"), (state.FILTER_REGION, "region", "Region"),
           (state.FILTER_CSM, "csm", "CSM"))


def _options(accounts: pd.DataFrame, column: str) -> list[str]:
    return sorted(accounts[column].dropna().astype(str).unique())


def source_label(location, label: str) -> str:
    """What the sidebar calls the data: the demo by name, else the source's own label (never credentials)."""
    return "Demo data (synthetic)" if sources.is_demo(location) else label


def model_label() -> str:
    """'Customer health score · version 3', or why the model cannot be read."""
    try:
        model = current_model()
    except ModelError:
        return "model.yaml cannot be read (see the page)"
    return f"{model.name} · version {model.version}"


def render_sidebar() -> None:
    with st.sidebar:
        path = sources.data_path()
        source = checked_source(current_source())
        through = f" · through {source.default_as_of:%d %b %Y}" if source.default_as_of else ""
        st.caption(f"**Data:** {source_label(path, source.label)}{through}  \n**Model:** {model_label()}")
        if not source.usable:
            st.error(f"The data has {len(source.errors)} problem(s). See **Data**.", icon=":material/error:")
            return
        st.markdown("**Filters**")
        for key, column, label in FILTERS:
            st.multiselect(label, _options(source.accounts, column), placeholder="All", **state.bound(key))
        if any(st.session_state.get(key) for key, _, _ in FILTERS):
            st.button("Clear filters", on_click=_clear_filters)


def _clear_filters() -> None:
    for key, _, _ in FILTERS:
        st.session_state[key] = []


def active_filters() -> dict[str, list[str]]:
    """Column -> chosen values, for the filters that are set."""
    return {column: list(st.session_state[key]) for key, column, _ in FILTERS if st.session_state.get(key)}


def filtered_account_ids(accounts: pd.DataFrame) -> list[str] | None:
    """Account ids passing the sidebar filters; None when no filter is set (everyone)."""
    return selected_account_ids(accounts, active_filters())


def filter_summary() -> str:
    chosen = active_filters()
    return "; ".join(f"{c}: {', '.join(v)}" for c, v in chosen.items()) if chosen else "all accounts"
