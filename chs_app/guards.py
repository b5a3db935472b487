"""Stop a page with a clear message (never a traceback) when its data or model cannot be used."""
from __future__ import annotations

import streamlit as st

from chs_app import data, sources
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
