"""Folder sources read Parquet in place (never copied into memory); every connection has a memory cap and a spill folder."""
from __future__ import annotations

import pandas as pd

from chs_core.metrics.compute import compute_metrics
from chs_core.sources import source_for
from tests.fixtures import six_accounts, write_csv_folder


def _write_parquet(frames: dict[str, pd.DataFrame], folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def test_parquet_tables_are_views_csv_tables_are_copied_once(tmp_path):
    frames = six_accounts()
    _write_parquet({"arr_monthly": frames["arr_monthly"]}, tmp_path / "mixed")
    write_csv_folder({"accounts": frames["accounts"]}, tmp_path / "mixed")
    with source_for(tmp_path / "mixed").open() as ds:
        views = {r[0] for r in ds.rows("SELECT view_name FROM duckdb_views() WHERE NOT internal")}
        tables = {r[0] for r in ds.rows("SELECT table_name FROM duckdb_tables()")}
    assert "raw_arr_monthly" in views and "raw_arr_monthly" not in tables
    assert "raw_accounts" in tables


def test_parquet_and_csv_folders_give_the_same_metrics(tmp_path):
    frames = six_accounts()
    _write_parquet(frames, tmp_path / "pq")
    write_csv_folder(frames, tmp_path / "csv")
    dates = [pd.Timestamp("2025-06-30").date(), pd.Timestamp("2026-03-31").date()]
    with source_for(tmp_path / "pq").open() as pq, source_for(tmp_path / "csv").open() as csv:
        pd.testing.assert_frame_equal(compute_metrics(pq, dates), compute_metrics(csv, dates))


def test_connection_caps_memory_and_spills_to_the_configured_folder(tmp_path, monkeypatch):
    write_csv_folder(six_accounts(), tmp_path / "data")
    monkeypatch.setenv("CHS_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("CHS_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    with source_for(tmp_path / "data").open() as ds:
        limit = ds.scalar("SELECT current_setting('memory_limit')")
        temp = ds.scalar("SELECT current_setting('temp_directory')")
    assert limit in ("512.0 MiB", "488.2 MiB")  # DuckDB reports 512MB in MiB
    assert temp == str(tmp_path / "spill")
