"""AppTest fixtures: the app's absolute path, caches cleared per test, an app runner with CHS_DATA set."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")  # AppTest resolves page paths against an absolute entry point
TIMEOUT = 60  # seconds; a cold run scores the whole history


@pytest.fixture(scope="session")
def page_paths() -> dict[str, str]:
    """Page name -> the path app.py gives st.Page (for AppTest.switch_page), read from app.py itself."""
    source = (REPO / "app.py").read_text()
    return {Path(p).stem: p for p in re.findall(r'st\.Page\(\s*"([^"]+\.py)"', source)}


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Streamlit caches live in the process, so one test's data must not leak into the next."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def run_app(monkeypatch, demo_db):
    """Start the app on the demo DB (or the given data/model paths) and return the AppTest after its first run."""
    def run(data: Path | str | None = None, model: Path | str | None = None) -> AppTest:
        monkeypatch.setenv("CHS_DATA", str(data if data is not None else demo_db))
        if model is None:
            monkeypatch.delenv("CHS_MODEL", raising=False)
        else:
            monkeypatch.setenv("CHS_MODEL", str(model))
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        return at.run()
    return run



@pytest.fixture
def open_page(monkeypatch, demo_db, page_paths):
    """Open one page directly (not the default page first) on the demo DB, with query parameters as a link would."""
    def run(page: str, **query: str | list[str]) -> AppTest:
        monkeypatch.setenv("CHS_DATA", str(demo_db))
        monkeypatch.delenv("CHS_MODEL", raising=False)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(page_paths[page])
        return at.run()
    return run
