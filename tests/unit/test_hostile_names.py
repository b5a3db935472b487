"""Names from the data never become SQL: hostile headers, table, schema and file names run no statement.

Each hostile name tries to close the quoting it would sit in (a double-quoted identifier, a
single-quoted literal, a struct key in read_csv's columns) and append a COPY that writes a file
into the working directory. After validate and kpis no such file may exist, and the figures
must equal those of the same data without the hostile names (the extra columns are ignored).
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from chs_core.cli import main
from chs_core.contract import TABLES
from chs_core.sources import open_dataset
from chs_core.sources.sql import quote_identifier
from chs_core.sources.sql import quote_literal as sql_literal
from chs_core.validation import validate_dataset
from tests.fixtures import write_csv_folder
from tests.messy import full_book

TARGET = "pwned.txt"  # relative: the tests chdir into tmp_path, so a successful injection lands there
HOSTILE = (
    f'x" ); COPY (SELECT 1) TO \'{TARGET}\'; --',
    f"x' ); COPY (SELECT 1) TO '{TARGET}'; --",
    f"x'}}); COPY (SELECT 1) TO '{TARGET}'; --",
    f'x"""; COPY (SELECT 1) TO \'{TARGET}\'; SELECT "',
    f"x\\'; COPY (SELECT 1) TO '{TARGET}'; --",
)


def _with_hostile_columns():
    frames = {}
    for name, frame in full_book().items():
        frame = frame.copy()
        for i, column in enumerate(HOSTILE):
            frame[column] = f"v{i}"
        frames[name] = frame
    return frames


def _kpis(capsys, folder: Path) -> dict:
    assert main(["kpis", "--data", str(folder)]) == 0
    return json.loads(capsys.readouterr().out)


def _assert_clean_run(capsys, folder: Path, expected: dict, cwd: Path) -> None:
    assert main(["validate", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "0 error(s), 0 warning(s)" in out
    assert _kpis(capsys, folder)["retention"] == expected["retention"]
    assert not list(cwd.rglob(TARGET)), "a name from the data ran as SQL"


@pytest.fixture()
def clean_kpis(tmp_path, capsys) -> dict:
    return _kpis(capsys, write_csv_folder(full_book(), tmp_path / "clean"))


def test_hostile_csv_headers_in_every_table_run_no_sql(tmp_path, monkeypatch, capsys, clean_kpis):
    monkeypatch.chdir(tmp_path)
    folder = write_csv_folder(_with_hostile_columns(), tmp_path / "hostile")
    _assert_clean_run(capsys, folder, clean_kpis, tmp_path)


@pytest.mark.parametrize("folder_name", [f"o'brien{HOSTILE[1][1:].replace('/', '_')}",
                                         f'data{HOSTILE[0][1:].replace("/", "_")}'])
def test_hostile_folder_names_run_no_sql(tmp_path, monkeypatch, capsys, clean_kpis, folder_name):
    monkeypatch.chdir(tmp_path)
    folder = write_csv_folder(full_book(), tmp_path / folder_name)
    _assert_clean_run(capsys, folder, clean_kpis, tmp_path)


def _hostile_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    for name, frame in _with_hostile_columns().items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {quote_identifier(name)} AS SELECT * FROM frame")
        con.unregister("frame")
    for name in HOSTILE:  # extra tables and a schema with hostile names
        con.execute(f"CREATE TABLE {quote_identifier(name)} AS SELECT 1 AS {quote_identifier(name)}")
    con.execute(f"CREATE SCHEMA {quote_identifier(HOSTILE[0])}")
    con.close()
    return path


def test_hostile_table_column_and_schema_names_in_a_duckdb_file_run_no_sql(tmp_path, monkeypatch, capsys,
                                                                          clean_kpis):
    monkeypatch.chdir(tmp_path)
    path = _hostile_duckdb(tmp_path / "hostile.duckdb")
    _assert_clean_run(capsys, path, clean_kpis, tmp_path)


def test_hostile_frame_column_names_run_no_sql(tmp_path, monkeypatch):
    from chs_core.sources import dataset_from_frames

    monkeypatch.chdir(tmp_path)
    with dataset_from_frames(_with_hostile_columns()) as ds:
        assert validate_dataset(ds) == []
        assert ds.present == {t.name for t in TABLES}
    assert not list(tmp_path.rglob(TARGET))


def test_hostile_file_name_beside_the_tables_is_only_listed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = write_csv_folder(full_book(), tmp_path / "data")
    (folder / f"{HOSTILE[1].replace('/', '_')}.csv").write_text("a\n1\n")
    with open_dataset(folder) as ds:
        assert len(ds.unmatched_files) == 1
        assert validate_dataset(ds) == []
    assert not list(tmp_path.rglob(TARGET))


def test_a_sqlite_file_as_data_is_named_and_duckdb_never_touches_it(tmp_path, monkeypatch, capsys):
    import sqlite3

    import chs_core.sources.duckdb_file as duckdb_file

    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE accounts (account_id TEXT)")

    def no_duckdb():  # DuckDB would try to install and load its sqlite extension (a download)
        raise AssertionError("DuckDB was asked to open a SQLite file")

    monkeypatch.setattr(duckdb_file, "connect", no_duckdb)
    assert main(["validate", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is a SQLite database, not a DuckDB database" in err and "export its tables to CSV" in err
    assert "Traceback" not in err and "INSTALL" not in err


def test_connections_never_install_or_load_extensions_by_themselves():
    from chs_core.sources.views import connect

    con = connect()
    settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


@pytest.mark.parametrize("mapping", [
    f"tables:\n  accounts:\n    columns:\n      industry: {json.dumps(HOSTILE[0])}\n",
    f"tables:\n  contacts:\n    columns:\n      role: {{from: role, values: {{{json.dumps(HOSTILE[1])}: champion}}}}\n",
    f"date_format: {json.dumps('%Y-%m-%d' + HOSTILE[1])}\n",
    f"tables:\n  csm_activities:\n    columns:\n      outcome: {{value: {json.dumps(HOSTILE[2])}}}\n",
], ids=["column", "value map", "date format", "constant"])
def test_hostile_names_in_a_mapping_file_run_no_sql(tmp_path, monkeypatch, capsys, mapping):
    monkeypatch.chdir(tmp_path)
    folder = write_csv_folder(_with_hostile_columns(), tmp_path / "data")  # the hostile names are real columns
    (folder / "chs.yaml").write_text(mapping)
    main(["validate", "--data", str(folder)])
    main(["kpis", "--data", str(folder)])
    said = capsys.readouterr()
    assert "Traceback" not in said.err and "Parser Error" not in said.err
    assert not list(tmp_path.rglob(TARGET)), "a name from the mapping ran as SQL"


@pytest.mark.parametrize("name", ["/etc/hostname", "../../../../../../etc/hostname", "a/../../b.csv", "C:\\x.csv"])
def test_a_mapping_never_reads_a_file_outside_the_data_folder(tmp_path, capsys, name):
    folder = write_csv_folder(full_book(), tmp_path / "data")
    (folder / "chs.yaml").write_text(f"tables:\n  accounts:\n    file: {json.dumps(name)}\n")
    assert main(["validate", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "tables.accounts.file" in err and "lies outside the data folder" in err


def test_a_view_in_a_duckdb_file_never_reads_files_outside_it(tmp_path, capsys):
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-VALUE\n")
    path = tmp_path / "shared.duckdb"
    with duckdb.connect(str(path)) as con:  # a database someone sent: its accounts "table" reads a local file
        con.execute("CREATE TABLE arr_monthly AS SELECT 'A' AS account_id, DATE '2025-01-01' AS month, 100.0 AS arr")
        con.execute("CREATE VIEW accounts AS SELECT column0 AS account_id, column0 AS account_name, 'SMB' AS segment, "
                    f"1 AS licensed_seats FROM read_csv({sql_literal(str(secret))}, header = false)")
    assert main(["validate", "--data", str(path)]) == 2
    said = capsys.readouterr()
    assert "accounts: is a view that reads files or addresses outside the database" in said.out
    assert "TOP-SECRET-VALUE" not in said.out + said.err and "Permission Error" not in said.out
    with open_dataset(path) as ds, pytest.raises(duckdb.Error):  # nor can any later query reach a file
        ds.scalar(f"SELECT count(*) FROM read_csv({sql_literal(str(secret))})")
