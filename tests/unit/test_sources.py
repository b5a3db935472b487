"""The Source protocol: a key that changes with any supplied file, a Dataset that closes, frames/folder/DuckDB alike."""
from __future__ import annotations

import os
import time

import duckdb
import pandas as pd
import pytest

from chs_core.errors import DataError
from chs_core.sources import DuckDBFileSource, FolderSource, FramesSource, Source, open_dataset, source_for
from tests.fixtures import six_accounts


def _write_folder(folder, frames):
    folder.mkdir(exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_folder_key_changes_when_a_file_is_added_removed_renamed_or_changed(tmp_path):
    folder = _write_folder(tmp_path / "data", six_accounts())
    source = FolderSource(folder)
    keys = [source.key]
    assert source.key == keys[0]  # stable while nothing changes
    (folder / "extra.csv").write_text("a\n1\n")
    keys.append(source.key)
    (folder / "extra.csv").rename(folder / "extra2.csv")
    keys.append(source.key)
    (folder / "extra2.csv").unlink()
    keys.append(source.key)
    arr = folder / "arr_monthly.csv"
    arr.write_text(arr.read_text() + "A,2026-04-01,1\n")
    _touch_later(arr)
    keys.append(source.key)
    # every step changes the key; removing the added file brings back the first key (same files, same data)
    assert all(a != b for a, b in zip(keys, keys[1:]))
    assert keys[3] == keys[0] and len(set(keys)) == 4


def test_folder_key_changes_when_an_older_file_is_deleted(tmp_path):
    folder = _write_folder(tmp_path / "data", six_accounts())
    newest = max(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    older = next(p for p in folder.iterdir() if p != newest)
    before = FolderSource(folder).key
    older.unlink()
    assert FolderSource(folder).key != before


def test_duckdb_key_changes_with_the_file(tmp_path):
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE accounts AS SELECT 'a' AS account_id")
    before = DuckDBFileSource(path).key
    time.sleep(0.01)
    with duckdb.connect(str(path)) as con:
        con.execute("INSERT INTO accounts VALUES ('b')")
        con.execute("CHECKPOINT")
    _touch_later(path)
    assert DuckDBFileSource(path).key != before


def test_frames_key_is_a_hash_of_the_values():
    frames = six_accounts()
    assert FramesSource(frames).key == FramesSource({k: v.copy() for k, v in frames.items()}).key
    changed = {**frames, "arr_monthly": frames["arr_monthly"].assign(arr=frames["arr_monthly"]["arr"] + 1)}
    assert FramesSource(changed).key != FramesSource(frames).key


def test_every_implementation_is_a_source_and_opens_the_same_tables(tmp_path):
    frames = six_accounts()
    folder = _write_folder(tmp_path / "data", frames)
    path = tmp_path / "data.duckdb"
    with duckdb.connect(str(path)) as con:
        for name, frame in frames.items():
            con.register("f", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM f')
            con.unregister("f")
    sources = [FramesSource(frames), FolderSource(folder), DuckDBFileSource(path)]
    counts = []
    for source in sources:
        assert isinstance(source, Source)
        with source.open() as ds:
            assert ds.present == frozenset(frames)
            counts.append(ds.row_counts())
            arr = ds.table("arr_monthly", ["account_id", "arr"], order_by=["account_id"])
            assert arr["arr"].sum() == pytest.approx(pd.to_numeric(frames["arr_monthly"]["arr"]).sum())
    assert counts[0] == counts[1] == counts[2]


def test_dataset_closes_on_leaving_the_block():
    with FramesSource(six_accounts()).open() as ds:
        assert ds.scalar("SELECT count(*) FROM accounts") == 6
    with pytest.raises(duckdb.Error):
        ds.scalar("SELECT 1")


def test_table_refuses_names_outside_the_contract():
    with FramesSource(six_accounts()).open() as ds, pytest.raises(KeyError, match="no contract column"):
        ds.table("accounts", ['account_id" FROM accounts; --'])


def test_source_for_picks_by_what_the_path_is(tmp_path):
    assert isinstance(source_for(tmp_path), FolderSource)
    file = tmp_path / "x.duckdb"
    file.write_bytes(b"")
    assert isinstance(source_for(file), DuckDBFileSource)
    with pytest.raises(DataError, match="does not exist"):
        source_for(tmp_path / "nope")
    with pytest.raises(DataError, match="does not exist"):
        open_dataset(tmp_path / "nope")
