"""Session fixtures shared by the app and browser tests: one small generated demo database."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Small enough to build in about a second, big enough that every segment, region, movement and tier shows up.
DEMO_ACCOUNTS = 250
DEMO_MONTHS = 15


@pytest.fixture(scope="session", autouse=True)
def _results_store_per_session(tmp_path_factory):
    """Each test session stores results in its own file: never the repository's cache, never another run's."""
    os.environ["CHS_RESULTS_STORE"] = str(tmp_path_factory.mktemp("store") / "results.duckdb")
    yield
    os.environ.pop("CHS_RESULTS_STORE", None)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo DuckDB (250 accounts, 15 months) built once per test session."""
    from chs_core.demo.build import build_demo_database

    return build_demo_database(tmp_path_factory.mktemp("demo") / "demo.duckdb",
                               n_accounts=DEMO_ACCOUNTS, n_months=DEMO_MONTHS)
