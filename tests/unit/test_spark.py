"""The metric SQL on Apache Spark (PySpark, local mode) gives DuckDB's values.

Starting Spark takes 30-60 s, so one module-scoped session serves both cases. Without pyspark or Java
the test is skipped locally and fails under CI=true (.ci/run installs both).
"""
from __future__ import annotations

import os
import shutil
from datetime import date

import pandas as pd
import pytest

from chs_core.contract import TABLES
from chs_core.demo.build import generate_demo
from chs_core.engines import register_tables, spark_metrics
from chs_core.metrics.compute import compute_metrics, month_end_dates
from chs_core.sources import dataset_from_frames
from tests.fixtures import six_accounts

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("pyspark is not installed (pip install -r requirements-dev.txt)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("no Java runtime: .ci/run installs default-jre-headless")
        pytest.skip("no Java runtime")
    session = (SparkSession.builder.master("local[2]").appName("chs-metrics-test")
               .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.sql.adaptive.enabled", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _both(spark, frames: dict[str, pd.DataFrame], dates: list[date]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with dataset_from_frames(frames) as ds:
        duck = compute_metrics(ds, dates)
        typed = {t.name: ds.table(t.name) for t in TABLES if ds.has(t.name)}
        present, columns = ds.present, dict(ds.columns)
    register_tables(spark, typed)
    return spark_metrics(spark, dates, present, columns), duck


def test_six_account_book_on_spark_equals_duckdb(spark):
    dates = month_end_dates(date(2025, 1, 1), date(2026, 3, 31))
    got, want = _both(spark, six_accounts(), dates)
    assert len(want) == 78
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, check_exact=False)


def test_small_demo_on_spark_equals_duckdb(spark):
    frames = generate_demo(seed=5, n_accounts=40, end_month=date(2026, 3, 1), n_months=9)
    dates = month_end_dates(date(2025, 9, 1), date(2026, 3, 31)) + [date(2026, 2, 14)]
    got, want = _both(spark, frames, dates)
    assert len(want) > 200 and want["active_user_ratio"].notna().mean() > 0.9
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, check_exact=False)
