"""Account ids across tables: spaces around ids, ids that match only when case is ignored, and how many rows
belong to no account. A large share of unmatched rows is an error: the figures would leave out that much data.
"""
from __future__ import annotations

from typing import NamedTuple

from chs_core.contract import Table
from chs_core.errors import Problem
from chs_core.settings import setting
from chs_core.sources import Dataset
from chs_core.validation import sql
from chs_core.validation.rules import EVENT_DATE_COLUMNS
from chs_core.validation.tally import Count, Counted, Tally

ID_COLUMNS = ("account_id", "user_id", "ticket_id", "contact_id", "invoice_id")
UNMATCHED_FIX = "add those accounts to accounts, or check that both tables use the same ids"


def _examples(values: list) -> str:
    return ", ".join(map(repr, values or []))


def padded_ids(ds: Dataset, table: Table, tally: Tally) -> list[Counted]:
    """Ids with spaces around them: loading trims them (so they match), reported so the source can be fixed."""
    checks = []
    for column in ID_COLUMNS:
        if column not in ds.columns.get(table.name, frozenset()):
            continue

        def report(counts, column=column) -> list[Problem]:
            if not counts[0]:
                return []
            n, examples = ds.rows(sql.padded_values(table.name, column))[0]
            return [Problem(table.name, column, int(n),
                            f"ids with spaces around them (e.g. {_examples(examples)}); they were trimmed",
                            "trim the ids at the source", severity="warning")] if n else []
        kind = tally.kinds(table.name).get(column)
        checks.append(Counted((Count(table.name, True, sql.padded(column, kind)),), report))
    return checks


class AccountRows(NamedTuple):
    """sql.unmatched_accounts of one table."""

    unmatched: int
    total: int
    by_case: int
    examples: list | None
    strays: list | None
    early_accounts: int  # accounts whose first dated row is before they became a customer


def account_rows(ds: Dataset, table: Table, tally: Tally) -> AccountRows:
    """The table's rows per account id (with the first dated row per account, for dated tables), queried once."""
    column = EVENT_DATE_COLUMNS.get(table.name)
    dated = column if column in ds.columns.get(table.name, frozenset()) else None
    return tally.once(("account_rows", table.name),
                      lambda: AccountRows(*ds.rows(sql.unmatched_accounts(table.name, dated))[0]))


def unmatched_accounts(ds: Dataset, table: Table, tally: Tally) -> list[Problem]:
    """Rows whose account_id is not in accounts: an error when ids differ only in case or the share is large."""
    if table.name == "accounts" or "account_id" not in ds.columns.get(table.name, frozenset()) \
            or not ds.has("accounts"):
        return []
    unmatched, total, by_case, examples, strays, _ = account_rows(ds, table, tally)
    if not unmatched:
        return []
    problems = []
    if by_case:
        problems.append(Problem(table.name, "account_id", int(by_case),
                                f"account ids match accounts only when case is ignored (e.g. {_examples(examples)})",
                                "write each id with the same capitals as in accounts (ids are compared exactly)"))
    share = unmatched / total
    limit = setting("unmatched_error_share")
    rest = unmatched - by_case
    if rest:
        severity = "error" if share > limit else "warning"
        problems.append(Problem(
            table.name, "account_id", int(rest),
            f"{share:.0%} of the rows have an account id that is not in accounts (e.g. {_examples(strays)})"
            + (f" (more than the {limit:.0%} allowed)" if severity == "error" else "; they are left out of the "
               "scores and of segment, region and CSM breakdowns"),
            UNMATCHED_FIX, severity=severity))
    return problems


def excluded_rows(problems) -> dict[str, int]:
    """Table -> rows left out of the scores and breakdowns because their account_id is in no account.

    Read from the warnings unmatched_accounts gave (a checked source's problems), so no table is scanned again.
    """
    return {p.table: int(p.rows) for p in problems
            if p.severity == "warning" and p.column == "account_id" and p.fix == UNMATCHED_FIX and p.rows}
