"""Every SQL text validation runs. Each query returns (count of bad rows, a few example values).

Table and column names come from the contract (never from the data) and are quoted all the same.
"""
from __future__ import annotations

from chs_core.sources.sql import quote_identifier as q

EXAMPLES = 3


def raw(table: str) -> str:
    return q(f"raw_{table}")


def not_of_type(table: str, column: str, target: str) -> str:
    """Supplied values that do not cast to the contract type (empty text is not counted here)."""
    c = q(column)
    return f"""
        SELECT count(*), list(DISTINCT CAST({c} AS VARCHAR))[1:{EXAMPLES}]
        FROM {raw(table)}
        WHERE {c} IS NOT NULL AND trim(CAST({c} AS VARCHAR)) <> ''
          AND TRY_CAST({c} AS {target}) IS NULL"""


def empty_values(table: str, column: str) -> str:
    c = q(column)
    return f"SELECT count(*), NULL FROM {raw(table)} WHERE {c} IS NULL OR trim(CAST({c} AS VARCHAR)) = ''"


def duplicate_keys(table: str, key: tuple[str, ...]) -> str:
    keys = ", ".join(q(k) for k in key)
    return f"""
        SELECT count(*), list(k)[1:{EXAMPLES}] FROM (
            SELECT concat_ws(' / ', {keys}) AS k FROM {q(table)} GROUP BY {keys} HAVING count(*) > 1)"""


def unknown_accounts(table: str) -> str:
    return f"""
        SELECT count(*), list(DISTINCT t.account_id)[1:{EXAMPLES}] FROM {q(table)} t
        WHERE t.account_id IS NOT NULL
          AND t.account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL)"""


def dates_after(table: str, column: str) -> str:
    """Dates after the bound parameter (today)."""
    c = q(column)
    return f"""
        SELECT count(*), list(DISTINCT CAST(CAST({c} AS DATE) AS VARCHAR))[1:{EXAMPLES}]
        FROM {q(table)} WHERE CAST({c} AS DATE) > ?"""


def dated_before_customer(table: str, column: str) -> str:
    return f"""
        WITH start AS (
            SELECT a.account_id, COALESCE(a.customer_since, min(m.month)) AS since
            FROM accounts a LEFT JOIN arr_monthly m ON m.account_id = a.account_id AND m.arr > 0
            GROUP BY a.account_id, a.customer_since)
        SELECT count(*), list(DISTINCT t.account_id)[1:{EXAMPLES}]
        FROM {q(table)} t JOIN start s USING (account_id)
        WHERE CAST(t.{q(column)} AS DATE) < date_trunc('month', s.since)"""


def breaking_rule(table: str, column: str, condition: str) -> str:
    """Rows where a value rule (a condition written in validation.rules, never taken from data) fails."""
    return (f"SELECT count(*), list(DISTINCT CAST({q(column)} AS VARCHAR))[1:{EXAMPLES}] "
            f"FROM {q(table)} WHERE {condition}")


def rows_of(table: str, condition: str = "") -> str:
    return f"SELECT count(*), NULL FROM {q(table)} {condition}"
