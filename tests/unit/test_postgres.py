"""PostgreSQL as a source, against a live server started here (tests/pg_server.py): the demo loaded into
PostgreSQL gives the same validation, KPIs and scores as the same data as a folder of CSV files."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import psycopg
import pytest

from chs_core.cli import main
from chs_core.pipeline import check_source
from chs_core.sources import source_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pg_server import postgres_server  # noqa: E402

PG_TYPES = {"VARCHAR": "text", "DATE": "date", "TIMESTAMP": "timestamp", "DOUBLE": "double precision",
            "BIGINT": "bigint", "INTEGER": "integer", "BOOLEAN": "boolean"}
MODEL = Path(__file__).resolve().parents[2] / "model.yaml"


def load_csv(con: psycopg.Connection, schema: str, name: str, path: Path, types: list[tuple[str, str]]) -> None:
    cols = ", ".join(f'"{c}" {PG_TYPES.get(t, "text")}' for c, t in types)
    con.execute(f'CREATE TABLE "{schema}"."{name}" ({cols})')
    with con.cursor().copy(f'COPY "{schema}"."{name}" FROM STDIN WITH (FORMAT csv, HEADER true)') as copy:
        copy.write(path.read_bytes())


@pytest.fixture(scope="module")
def demo_in_postgres(demo_db, tmp_path_factory):
    """(URL, folder): the demo database's tables as CSV files, and the same files loaded into PostgreSQL."""
    folder = tmp_path_factory.mktemp("demo_csv")
    with postgres_server() as url:
        src = duckdb.connect(str(demo_db), read_only=True)
        with psycopg.connect(url, autocommit=True) as con:
            for (name,) in src.execute("SELECT table_name FROM information_schema.tables").fetchall():
                path = folder / f"{name}.csv"
                src.execute(f"COPY \"{name}\" TO '{path}' (HEADER, DELIMITER ',')")
                types = src.execute(f'DESCRIBE "{name}"').fetchall()
                load_csv(con, "public", name, path, [(r[0], r[1]) for r in types])
        src.close()
        yield url, folder


def test_the_demo_in_postgresql_validates_and_loads_as_the_same_folder(demo_in_postgres):
    url, folder = demo_in_postgres
    from_pg, from_files = check_source(url), check_source(folder)
    assert from_pg.usable and from_pg.tables == from_files.tables and len(from_pg.tables) >= 8
    assert [str(p) for p in from_pg.problems] == [str(p) for p in from_files.problems]
    assert from_pg.accounts.equals(from_files.accounts) and from_pg.arr.equals(from_files.arr)
    assert from_pg.default_as_of == from_files.default_as_of


def test_kpis_and_scores_from_postgresql_equal_the_folder(demo_in_postgres, capsys):
    url, folder = demo_in_postgres
    outputs = []
    for data in (url, str(folder)):
        assert main(["kpis", "--data", data, "--model", str(MODEL)]) == 0
        kpis = json.loads(capsys.readouterr().out)
        assert main(["score", "--data", data, "--model", str(MODEL)]) == 0
        outputs.append((kpis, capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0][0]["retention"]["cohort_accounts"] > 100 and outputs[0][1].count("\n") > 200


def test_a_schema_with_subscriptions_only_derives_arr_and_accounts(demo_in_postgres, tmp_path):
    url, _ = demo_in_postgres
    path = tmp_path / "subs.csv"
    path.write_text("account_id,start_date,end_date,mrr\nA,2025-01-01,2025-03-01,10\nB,2025-02-01,,20\n")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute('CREATE SCHEMA "Billing"')
        load_csv(con, "Billing", "subscriptions", path,
                 [("account_id", "VARCHAR"), ("start_date", "DATE"), ("end_date", "DATE"), ("mrr", "DOUBLE")])
    checked = check_source(f"{url}?schema=Billing")
    assert checked.usable and checked.tables == {"accounts": 2, "arr_monthly": 3, "subscriptions": 2}
    assert checked.label.endswith("(schema Billing)")


def test_credentials_never_appear_in_labels_keys_or_messages(demo_in_postgres, capsys):
    url, _ = demo_in_postgres
    with_password = url.replace("chs@", "chs:s3cret-pw@")
    source = source_for(with_password)
    assert "s3cret" not in source.label and "***" in source.label and "s3cret" not in source.key
    wrong_port = with_password.rsplit(":", 1)[0] + ":1/postgres"
    checked = check_source(wrong_port)
    assert not checked.usable and "cannot connect to PostgreSQL" in checked.problems[0].message
    assert "s3cret" not in str(checked.problems) and "s3cret" not in checked.label
    assert main(["validate", "--data", wrong_port]) == 2
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err and "***" in captured.out + captured.err
