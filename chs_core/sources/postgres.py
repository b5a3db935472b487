"""A PostgreSQL database as a source: postgresql://user@host:port/db[?schema=name], read through psycopg 3.

Why psycopg 3: it is the maintained PostgreSQL driver for Python (libpq underneath, so the URL, the standard
PG* environment variables and ~/.pgpass work as in psql), and its copy support streams a table out as CSV
without a row-by-row Python loop. DuckDB's postgres extension cannot be downloaded at run time here, and
ADBC's driver would be one more binary dependency for the same fast read.

Each contract table (or the table a mapping names under `file:`) is copied once per load as CSV text into a
private temporary folder and read like a folder of files, so validation sees the values as stored and the
numbers equal those of the same data as files. The folder is removed as soon as the tables are in memory.
Credentials never appear in a label, key or message (chs_core.sources.redact).
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql as pgsql

from chs_core.contract import INPUT_TABLES
from chs_core.errors import DataError, Problem
from chs_core.sources.dataset import Dataset
from chs_core.sources.mapped import MappedSource
from chs_core.sources.mapping import Mapping, TableMap
from chs_core.sources.redact import redact, redact_text

QUERIES = Path(__file__).with_name("queries")
CONNECT_TIMEOUT_S = 10


def _query(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text()


@dataclass(frozen=True)
class PostgresSource:
    conninfo: str  # the URL without our own options (schema); may hold a password: never shown
    schema: str = "public"
    mapping: Mapping | None = None

    @classmethod
    def from_url(cls, url: str, mapping: Mapping | None = None) -> PostgresSource:
        parts = urlsplit(url)
        options = parse_qsl(parts.query)
        schema = next((v for k, v in options if k == "schema"), "public")
        rest = urlencode([(k, v) for k, v in options if k != "schema"])
        return cls(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), schema, mapping)

    @property
    def label(self) -> str:
        shown = redact(self.conninfo)
        return shown if self.schema == "public" else f"{shown} (schema {self.schema})"

    def _secrets(self) -> tuple[str, ...]:
        password = urlsplit(self.conninfo).password
        return (password,) if password else ()

    def _connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.conninfo, connect_timeout=CONNECT_TIMEOUT_S, options="-c TimeZone=UTC")
        except psycopg.Error as exc:
            why = redact_text(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                              self._secrets())
            raise DataError([Problem(self.label, None, None, f"cannot connect to PostgreSQL ({why})",
                                     "check host, port, database and user in the URL; give the password in the URL, "
                                     "PGPASSWORD or ~/.pgpass")]) from None

    @property
    def key(self) -> str:
        """Changes with any write to the database (its WAL position), the schema or the mapping."""
        with self._connect() as con:
            mark = con.execute(_query("pg_change_mark")).fetchone()[0]
        digest = hashlib.sha256(f"{self.label}\0{self.schema}\0{mark}\0{self.mapping!r}".encode())
        return f"postgres:{digest.hexdigest()}"

    def _tables_to_read(self, present: dict[str, str]) -> dict[str, str]:
        """Contract table -> database table: the mapping's `file:` when it names one, else the same name."""
        chosen = {}
        for table in INPUT_TABLES:
            spec = self.mapping.tables.get(table.name) if self.mapping else None
            wanted = (spec.file if spec and spec.file else table.name).lower()
            if wanted in present:
                chosen[table.name] = present[wanted]
        return chosen

    def open(self) -> Dataset:
        with self._connect() as con, tempfile.TemporaryDirectory(prefix="chs-pg-") as tmp:
            present = {r[0].lower(): r[0] for r in con.execute(_query("pg_list_tables"), [self.schema]).fetchall()}
            chosen = self._tables_to_read(present)
            folder = Path(tmp)
            for contract_name, db_name in chosen.items():
                statement = pgsql.SQL(_query("pg_copy_table")).format(table=pgsql.Identifier(self.schema, db_name))
                with open(folder / f"{contract_name}.csv", "wb") as out, con.cursor().copy(statement) as copy:
                    for block in copy:
                        out.write(block)
            base = self.mapping or Mapping()
            tables = {name: replace(base.tables.get(name) or TableMap(file=None), file=f"{name}.csv")
                      for name in chosen}
            mapped = MappedSource(folder, replace(base, tables=tables), label_text=self.label, only_named=True)
            ds = mapped.open()  # every table is copied into memory here, so the folder can go
        if not chosen:
            ds.read_problems = (Problem(self.label, None, None, f"no contract table in schema {self.schema}",
                                        "create tables named accounts, subscriptions or arr_monthly, ... "
                                        "or pass ?schema=NAME for another schema"),) + ds.read_problems
        return ds
