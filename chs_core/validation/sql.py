"""Every SQL text validation runs. Each query returns (count of bad rows, a few example values).

Table and column names come from the contract (never from the data) and are quoted all the same.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from chs_core.sources.sql import quote_identifier as q

EXAMPLES = 3


def raw(table: str) -> str:
    """The raw (as supplied) view of a table."""
    return q(f"raw_{table}")


def typed(table: str) -> str:
    """The typed (contract-shaped) view of a table."""
    return q(table)


def describe(table: str) -> str:
    """column_name, column_type, ... of the raw view."""
    return f"DESCRIBE SELECT * FROM {raw(table)}"


# Raw types whose text is never blank nor padded (numbers, dates, true/false): a cheaper, equal condition.
_NEVER_BLANK = re.compile(r"^(BOOLEAN|U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|REAL|DOUBLE|DECIMAL\(\d+, ?\d+\)|DATE"
                          r"|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$")


def _scalar(kind: str | None) -> bool:
    return bool(kind and _NEVER_BLANK.match(kind))


def filled(column: str, kind: str | None = None) -> str:
    """The value is there: not NULL and not blank text (kind: the raw column's DuckDB type, when known)."""
    return f"NOT ({blank(column, kind)})"


def blank(column: str, kind: str | None = None) -> str:
    """NULL or only spaces. trim removes Unicode spaces (category Zs), never a printable ASCII character: text
    starting with one (a byte from '!' to '~', compared without reading the rest) is not blank, other text is
    trimmed."""
    c = q(column)
    if _scalar(kind):
        return f"{c} IS NULL"
    if kind == "VARCHAR":
        return f"({c} IS NULL OR CASE WHEN {c} >= '!' AND {c} < chr(127) THEN false ELSE trim({c}) = '' END)"
    return f"{c} IS NULL OR trim(CAST({c} AS VARCHAR)) = ''"


def wrong_type(column: str, target: str, kind: str | None = None) -> str:
    """A supplied value that does not cast to `target` (empty text is not counted here).

    A true/false column (Parquet, DuckDB) casts to 1/0 but is no amount or count: it is counted too.
    """
    if kind == target:
        return "false"
    c = q(column)
    boolean = f" OR typeof({c}) = 'BOOLEAN'" if target in ("DOUBLE", "BIGINT") else ""
    return f"{filled(column, kind)} AND (TRY_CAST({c} AS {target}) IS NULL{boolean})"


def padded(column: str, kind: str | None = None) -> str:
    """The value has spaces around it. In text of ASCII characters only (strlen, the bytes, equals length, the
    characters) the only Zs character is the space, so a leading or trailing space is looked for instead."""
    c = f"CAST({q(column)} AS VARCHAR)"
    if _scalar(kind):
        return "false"
    if kind == "VARCHAR":
        c = q(column)
        return f"CASE WHEN strlen({c}) = length({c}) THEN ({c} LIKE ' %' OR {c} LIKE '% ') ELSE {c} <> trim({c}) END"
    return f"{c} <> trim({c})"


def tally(relation: str, conditions: Sequence[str]) -> str:
    """count(*), then the rows meeting each condition: every count of one table in one pass."""
    counts = "".join(f", count(*) FILTER (WHERE {c})" for c in conditions)
    return f"SELECT count(*){counts} FROM {relation}"


def not_of_type(table: str, column: str, target: str) -> str:
    """Rows of the raw table whose value does not cast to the contract type (see wrong_type), with examples."""
    c = q(column)
    return f"""
        SELECT count(*), list(DISTINCT CAST({c} AS VARCHAR))[1:{EXAMPLES}]
        FROM {raw(table)}
        WHERE {wrong_type(column, target)}"""


def empty_values(table: str, column: str) -> str:
    return f"SELECT count(*), NULL FROM {raw(table)} WHERE {blank(column)}"


def duplicate_keys(table: str, key: tuple[str, ...]) -> str:
    keys = ", ".join(q(k) for k in key)
    return f"""
        SELECT count(*), list(k)[1:{EXAMPLES}] FROM (
            SELECT concat_ws(' / ', {keys}) AS k FROM {q(table)} GROUP BY {keys} HAVING count(*) > 1)"""


def after(column: str) -> str:
    """Dated after the bound parameter (today)."""
    return f"CAST({q(column)} AS DATE) > ?"


def latest_dates(table: str, columns: Sequence[str]) -> str:
    """The latest date of each column, cast as after() casts it (one row)."""
    return f"SELECT {', '.join(f'max(CAST({q(c)} AS DATE))' for c in columns)} FROM {q(table)}"


def dates_after(table: str, column: str) -> str:
    c = q(column)
    return f"""
        SELECT count(*), list(DISTINCT CAST(CAST({c} AS DATE) AS VARCHAR))[1:{EXAMPLES}]
        FROM {q(table)} WHERE {after(column)}"""


# When each account became a customer: customer_since, else its first month with ARR.
_START = """start AS (
            SELECT a.account_id, COALESCE(a.customer_since, min(m.month)) AS since
            FROM accounts a LEFT JOIN arr_monthly m ON m.account_id = a.account_id AND m.arr > 0
            GROUP BY a.account_id, a.customer_since)"""


def dated_before_customer(table: str, column: str) -> str:
    return f"""
        WITH {_START}
        SELECT count(*), list(DISTINCT t.account_id)[1:{EXAMPLES}]
        FROM {q(table)} t JOIN start s USING (account_id)
        WHERE CAST(t.{q(column)} AS DATE) < date_trunc('month', s.since)"""


def breaking_rule(table: str, column: str, condition: str) -> str:
    """Rows where a value rule (a condition written in validation.rules, never taken from data) fails."""
    return (f"SELECT count(*), list(DISTINCT CAST({q(column)} AS VARCHAR))[1:{EXAMPLES}] "
            f"FROM {q(table)} WHERE {condition}")


# Soundness checks (validation.soundness, validation.ids, validation.codes): conditions over the raw
# (as supplied) text, examples named by the row's key columns, never by an unbounded value.

SHOWN = 40  # characters of a value from the data shown in an example


def _shown(expr: str) -> str:
    return f"left(CAST({expr} AS VARCHAR), {SHOWN})"


def raw_rows_where(table: str, condition: str, names: tuple[str, ...]) -> str:
    """Rows of the raw table where `condition` (written in validation, over quoted contract columns) holds.

    Returns (count, up to EXAMPLES rows named by `names` joined with ' / ').
    """
    label = "concat_ws(' / ', " + ", ".join(_shown(q(n)) for n in names) + ")"
    return f"SELECT count(*), list({label})[1:{EXAMPLES}] FROM {raw(table)} WHERE {condition}"


def as_double(column: str) -> str:
    return f"TRY_CAST({q(column)} AS DOUBLE)"


def as_timestamp(column: str) -> str:
    return f"TRY_CAST({q(column)} AS TIMESTAMP)"


def even_copies(table: str, columns: tuple[str, ...], sample_of: int = 1) -> str:
    """(groups of identical rows, groups whose row count is even, rows) over the given columns.

    sample_of > 1: only rows whose first column hashes into 1 of that many buckets (copies of a row share it,
    so every sampled group is complete); a large table is judged on a sample.
    """
    cols = ", ".join(q(c) for c in columns)
    where = f"WHERE hash({q(columns[0])}) % {int(sample_of)} = 0" if sample_of > 1 else ""
    return f"""
        SELECT count(*), count(*) FILTER (WHERE n % 2 = 0), COALESCE(sum(n), 0)
        FROM (SELECT count(*) AS n FROM {raw(table)} {where} GROUP BY {cols})"""


def padded_values(table: str, column: str) -> str:
    """Values with spaces around them (loading trims ids)."""
    c = f"CAST({q(column)} AS VARCHAR)"
    return f"SELECT count(*), list(DISTINCT {_shown(c)})[1:{EXAMPLES}] FROM {raw(table)} WHERE {padded(column)}"


def unmatched_accounts(table: str, date_column: str | None = None) -> str:
    """(rows whose account_id is not in accounts, all rows with an id, of those the rows matching only when case
    is ignored, examples of those, examples of ids not in accounts at all, accounts whose first row is dated
    before the account became a customer: 0 unless date_column is given).

    Rows are counted per id first, so the joins run over distinct ids, not every event. The last count tells
    whether dated_before_customer can find anything: no account's first row is dated before its start, no row is.
    """
    first = f", min(CAST({q(date_column)} AS DATE)) AS first_day" if date_column else ", NULL AS first_day"
    return f"""
        WITH ids AS (SELECT DISTINCT account_id FROM accounts WHERE account_id IS NOT NULL),
        folded AS (SELECT DISTINCT lower(account_id) AS f FROM accounts WHERE account_id IS NOT NULL),
        t AS (SELECT account_id, count(*) AS n{first} FROM {q(table)} WHERE account_id IS NOT NULL
              GROUP BY account_id),
        m AS (SELECT t.account_id, t.n, i.account_id IS NOT NULL AS known, f.f IS NOT NULL AS by_case
              FROM t LEFT JOIN ids i ON i.account_id = t.account_id LEFT JOIN folded f ON f.f = lower(t.account_id)),
        {_START},
        latest AS (SELECT account_id, max(since) AS since FROM start GROUP BY account_id)
        SELECT COALESCE(sum(n) FILTER (WHERE NOT known), 0), COALESCE(sum(n), 0),
               COALESCE(sum(n) FILTER (WHERE NOT known AND by_case), 0),
               list({_shown('account_id')} ORDER BY account_id) FILTER (WHERE NOT known AND by_case)[1:{EXAMPLES}],
               list({_shown('account_id')} ORDER BY account_id) FILTER (WHERE NOT known AND NOT by_case)[1:{EXAMPLES}],
               (SELECT count(*) FROM t JOIN latest l USING (account_id) WHERE t.first_day < date_trunc('month', l.since))
        FROM m"""


def unknown_codes(table: str, column: str) -> str:
    """Values of a code column (typed view, known spellings already read) outside the bound list, with counts."""
    c = q(column)
    return f"""
        SELECT {_shown(c)} AS v, count(*) AS n FROM {q(table)}
        WHERE {c} IS NOT NULL AND NOT list_contains(?::VARCHAR[], {c})
        GROUP BY 1 ORDER BY n DESC, v LIMIT 5"""


def unknown_code(column: str) -> str:
    """A value of a code column (typed view) outside the bound list."""
    c = q(column)
    return f"{c} IS NOT NULL AND NOT list_contains(?::VARCHAR[], {c})"


def not_null(column: str) -> str:
    return f"{q(column)} IS NOT NULL"


def castable(table: str, column: str, target: str) -> str:
    """(non-empty values, of those castable to `target`) in a raw column."""
    c = f"CAST({q(column)} AS VARCHAR)"
    return f"""SELECT count(*) FILTER (WHERE trim({c}) <> ''),
                      count(*) FILTER (WHERE trim({c}) <> '' AND TRY_CAST({c} AS {target}) IS NOT NULL)
               FROM {raw(table)}"""
