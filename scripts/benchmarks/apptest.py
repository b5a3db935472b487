"""The executive page through AppTest: a cold run (empty caches) and a rerun after switching the period."""
from __future__ import annotations

import os
import time

from scripts.benchmarks.common import REPO, Context, Row


def run(ctx: Context) -> list[Row]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CHS_DATA"] = str(ctx.data)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    at.radio(key="period").set_value("quarter").run()
    warm = time.perf_counter() - start
    return [Row("executive page, first load with empty caches (AppTest)", cold),
            Row("executive page, rerun after switching the period (AppTest, caches warm)", warm)]
