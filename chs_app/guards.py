"""Stop a page with a clear message (never a traceback) when its data or model cannot be used."""
from __future__ import annotations

import streamlit as st

from chs_app import data, sidebar, sources
from chs_core.errors import ModelError
from chs_core.model import Model
from chs_core.pipeline import CheckedSource


def source_or_stop() -> CheckedSource:
    source = data.checked_source(data.current_source())
    if not source.usable:
        listed = "\n".join(f"- {problem}" for problem in source.errors[:10])
        more = f"\n\n…and {len(source.errors) - 10} more." if len(source.errors) > 10 else ""
        st.error(f"The data in `{sources.data_path()}` cannot be scored yet: {len(source.errors)} problem(s) to fix.\n\n"
                 f"{listed}{more}", icon=":material/error:")
        st.page_link("app_pages/data_quality.py", label="See every problem on the Data page",
                     icon=":material/fact_check:")
        st.stop()
    return source


def model_or_stop() -> Model:
    try:
        return data.current_model()
    except ModelError as exc:
        st.error(f"The scoring model cannot be used: {exc}", icon=":material/error:")
        st.caption(f"Fix the file (or set {sources.MODEL_ENV} to another model.yaml) and reload the page.")
        st.stop()


def filtered_ids_or_stop(source: CheckedSource, what: str) -> list[str] | None:
    """The accounts passing the sidebar filters (None: no filter set); stops the page, saying so, when none does.
    `what` completes "Clear a filter to see ...", e.g. "the cohorts"."""
    ids = sidebar.filtered_account_ids(source.accounts)
    if ids is not None and not ids:
        st.info(f"No accounts match the filters in the sidebar. Clear a filter to see {what}.",
                icon=":material/filter_alt_off:")
        st.stop()
    return ids
