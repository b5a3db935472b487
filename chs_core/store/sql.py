"""Every SQL text the results store runs. Names come from the contract or from this package, never from the data."""
from __future__ import annotations

from collections.abc import Sequence

from chs_core.contract import Table
from chs_core.sources.sql import describe_sql, raw_name, typed_column_sql
from chs_core.sources.sql import quote_identifier as q

SCHEMA = (
    # Per Source.key: one digest per table and month (month NULL: a snapshot table, or rows without a date).
    """CREATE TABLE IF NOT EXISTS digests (
           source_key VARCHAR, table_name VARCHAR, month DATE, n BIGINT, h HUGEINT)""",
    # Which (data key, as-of) pairs were computed per table and model/signals key (a date may have no rows).
    """CREATE TABLE IF NOT EXISTS done (
           kind VARCHAR, key VARCHAR, data_key VARCHAR, as_of DATE, physical VARCHAR)""",
    # The pandas dtype of every column of each results table, restored on reading.
    """CREATE TABLE IF NOT EXISTS dtypes (
           physical VARCHAR, column_name VARCHAR, dtype VARCHAR, categories VARCHAR, ordered BOOLEAN)""",
    # When each stored (data key, as-of) entry was last asked for: the least recently used are pruned.
    """CREATE TABLE IF NOT EXISTS used (
           kind VARCHAR, key VARCHAR, data_key VARCHAR, as_of DATE, used_at TIMESTAMP)""",
    # Finished results kept as text, per kind: the problems a validation found (store.checked), a backtest's
    # report (store.reports); each under a key of everything it depends on.
    "CREATE TABLE IF NOT EXISTS kept (kind VARCHAR, key VARCHAR, body VARCHAR, kept_at TIMESTAMP)",
)
SELECT_KEPT_MANY = "SELECT key, body FROM kept WHERE kind = ? AND list_contains(?::VARCHAR[], key)"
DELETE_KEPT_MANY = "DELETE FROM kept WHERE kind = ? AND list_contains(?::VARCHAR[], key)"
INSERT_KEPT_MANY = "INSERT INTO kept SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), now()"
PRUNE_KEPT = ("DELETE FROM kept WHERE kind = ? AND key NOT IN "
              "(SELECT key FROM kept WHERE kind = ? ORDER BY kept_at DESC LIMIT ?)")


def month_digest(table: Table, columns: Sequence[str], date_column: str | None, date_type: str | None) -> str:
    """Rows and a sum of row hashes per month (one row when the table has no date), over the raw columns.

    The rows are hashed as supplied (raw_<table>, the supplied contract columns): the typed view is a fixed
    function of them (fingerprint.reading_key), so equal raw rows mean equal typed rows, and hashing raw
    values skips the typed view's trimming and casting. Rows are grouped by their typed day first (a small
    integer group), then by month: cheaper than truncating every row's date. h is text: exact, as a
    HUGEINT would not be in pandas.
    """
    cols = ", ".join(q(c) for c in columns) or "NULL"
    hashed = f"sum(CAST(hash({cols}) AS HUGEINT))"
    if date_column is None:
        return (f"SELECT CAST(NULL AS DATE) AS month, count(*) AS n, CAST({hashed} AS VARCHAR) AS h "
                f"FROM {raw_name(table)} GROUP BY ALL")
    column = next(c for c in table.columns if c.name == date_column)
    day = f"CAST({typed_column_sql(table, column, True, date_type)} AS DATE)"
    return (f"SELECT CAST(date_trunc('month', day) AS DATE) AS month, CAST(sum(n) AS BIGINT) AS n, "
            f"CAST(sum(h) AS VARCHAR) AS h FROM (SELECT {day} AS day, count(*) AS n, {hashed} AS h "
            f"FROM {raw_name(table)} GROUP BY ALL) GROUP BY ALL")


def raw_types(table: Table) -> str:
    """column_name, column_type of the raw (as supplied) relation."""
    return describe_sql(raw_name(table))


BEGIN, COMMIT = "BEGIN", "COMMIT"
SELECT_DIGESTS = "SELECT table_name, month, n, CAST(h AS VARCHAR) AS h FROM digests WHERE source_key = ? ORDER BY table_name, month"
INSERT_DIGESTS = "INSERT INTO digests SELECT ?, table_name, month, n, CAST(h AS HUGEINT) FROM new_digests"




def create_like(table: str, frame: str) -> str:
    """The results table, shaped like the first frame stored in it (keys first)."""
    return f"CREATE TABLE IF NOT EXISTS {q(table)} AS SELECT * FROM {q(frame)} LIMIT 0"


SELECT_DONE = "SELECT data_key, as_of, physical FROM done WHERE kind = ? AND key = ?"
INSERT_DONE = "INSERT INTO done VALUES (?, ?, ?, ?, ?)"
DELETE_DONE = "DELETE FROM done WHERE kind = ? AND key = ? AND data_key = ? AND as_of = ?"
UNTYPED_COLUMNS = "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND data_type = 'NULL'"


def as_text(table: str, column: str) -> str:
    return f"ALTER TABLE {q(table)} ALTER {q(column)} TYPE VARCHAR"


def insert_rows(table: str, frame: str) -> str:
    """Rows of a frame holding data_key, the model/signals key column, then the frame's own columns."""
    return f"INSERT INTO {q(table)} BY NAME SELECT * FROM {q(frame)}"


def delete_rows(table: str, key_column: str) -> str:
    return (f"DELETE FROM {q(table)} WHERE {q(key_column)} = ? AND data_key = ? AND CAST(as_of AS DATE) = ?")


def read_rows(table: str, key_column: str, columns: Sequence[str], scoped: bool) -> str:
    """Stored rows for (data key, as-of) pairs, optionally for some accounts only; in compute order."""
    cols = ", ".join(f"t.{q(c)}" for c in columns)
    scope = " AND list_contains(?, t.account_id)" if scoped else ""
    return (f"SELECT {cols} FROM {q(table)} t JOIN (SELECT unnest(?) AS data_key, unnest(?) AS as_of) w "
            f"ON t.data_key = w.data_key AND CAST(t.as_of AS DATE) = w.as_of "
            f"WHERE t.{q(key_column)} = ?{scope} ORDER BY t.as_of, t.account_id")




def flagged_ids(table: str, key_column: str, flag_column: str) -> str:
    """Distinct accounts whose boolean `flag_column` is true at any of the (data key, as-of) pairs."""
    return (f"SELECT DISTINCT t.account_id FROM {q(table)} t JOIN (SELECT unnest(?) AS data_key, unnest(?) AS as_of) w "
            f"ON t.data_key = w.data_key AND CAST(t.as_of AS DATE) = w.as_of "
            f"WHERE t.{q(key_column)} = ? AND t.{q(flag_column)} ORDER BY 1")


SELECT_DTYPES = "SELECT column_name, dtype, categories, ordered FROM dtypes WHERE physical = ?"
INSERT_DTYPE = "INSERT INTO dtypes VALUES (?, ?, ?, ?, ?)"
DELETE_DTYPES = "DELETE FROM dtypes WHERE physical = ?"


# Entries (one model or signals key, one data key, one as-of date) by last use; see ResultsStore.prune.
UNTOUCH = """DELETE FROM used USING (SELECT unnest(?::VARCHAR[]) AS data_key, unnest(?::DATE[]) AS as_of) w
             WHERE used.kind = ? AND used.key = ? AND used.data_key = w.data_key AND used.as_of = w.as_of"""
TOUCH = "INSERT INTO used SELECT ?, ?, unnest(?::VARCHAR[]), unnest(?::DATE[]), now()"
STALE_ENTRIES = """SELECT d.key, d.data_key, d.as_of, d.physical FROM done d
                   LEFT JOIN used u ON u.kind = d.kind AND u.key = d.key AND u.data_key = d.data_key AND u.as_of = d.as_of
                   WHERE d.kind = ?
                   QUALIFY row_number() OVER (ORDER BY u.used_at DESC NULLS LAST, d.as_of DESC) > ?"""
DELETE_USED = "DELETE FROM used WHERE kind = ? AND key = ? AND data_key = ? AND as_of = ?"
# Digests of source keys no stored entry came from are cheap to recompute; keep those of the newest sources.
STALE_SOURCES = """SELECT source_key FROM digests GROUP BY source_key
                   QUALIFY row_number() OVER (ORDER BY max(rowid) DESC) > ?"""
DELETE_DIGESTS = "DELETE FROM digests WHERE source_key = ?"
