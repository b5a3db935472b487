"""Checks for data that monthly ARR is derived from, or that looks mis-shaped: subscriptions and sparse snapshots.

The generic contract checks (types, empty required values, duplicate ids, unknown accounts) run on subscriptions
as on every table; these add what only subscriptions can get wrong, and the sparse-snapshot pattern of arr_monthly.
"""
from __future__ import annotations

from pathlib import Path

from chs_core.errors import Problem
from chs_core.sources import Dataset

QUERIES = Path(__file__).with_name("queries")
# arr_monthly holes (ARR in m-1 and m+1, none in m) in at least this share of accounts with 3+ months of ARR,
# and in at least SPARSE_MIN_ACCOUNTS accounts: a real book seldom pauses for exactly one month.
SPARSE_SHARE = 0.1
SPARSE_MIN_ACCOUNTS = 3
# ARR that stops after a month this often (over at least STOP_MIN_MONTHS paying months) is not real churn.
STOP_SHARE = 0.4
STOP_MIN_MONTHS = 10


def _examples(values) -> str:
    return ", ".join(repr(str(v)) for v in list(values or [])[:3])


def subscription_problems(ds: Dataset) -> list[Problem]:
    if not ds.has("subscriptions"):
        return []
    supplied = ds.columns.get("subscriptions", frozenset())
    problems = []
    if not supplied & {"mrr", "arr"}:
        problems.append(Problem("subscriptions", "mrr", None, "no amount column: monthly ARR cannot be derived",
                                "rename the amount column to mrr (monthly, e.g. monthly_amount -> mrr) or arr "
                                "(annual), or map it in chs.yaml"))
    (back, back_ex, neg, neg_ex, odd, odd_ex, open_cancel, open_ex, ended, month_ends, no_amount) = ds.rows(
        (QUERIES / "subscription_checks.sql").read_text())[0]
    if back:
        problems.append(Problem("subscriptions", "end_date", back, f"end_date before start_date (e.g. {_examples(back_ex)})",
                                "check the two dates (a day/month swap?)"))
    if neg:
        problems.append(Problem("subscriptions", "mrr", neg, f"negative amount (e.g. {_examples(neg_ex)})",
                                "amounts are 0 or more; record a credit or refund elsewhere"))
    if open_cancel:
        problems.append(Problem("subscriptions", "end_date", open_cancel,
                                f"cancelled with no end_date (e.g. {_examples(open_ex)})",
                                "fill in end_date (the first day no longer paid): without it the revenue never ends"))
    if odd:
        problems.append(Problem("subscriptions", "status", odd,
                                f"status is not one of active, past_due, cancelled, trial, paused (e.g. {_examples(odd_ex)}); "
                                "these rows count as paying", "map the statuses in chs.yaml (columns.status.values)",
                                severity="warning"))
    if supplied & {"mrr", "arr"} and no_amount:
        problems.append(Problem("subscriptions", "mrr", no_amount, "no amount (mrr and arr empty): counted as 0 ARR",
                                "fill in the amount, or drop the rows", severity="warning"))
    exclusive = not ds.derived or "last day paid" not in ds.derived.get("arr_monthly", "")
    if exclusive and ended and month_ends > 0.5 * ended:
        problems.append(Problem("subscriptions", "end_date", month_ends,
                                "most end dates are the last day of a month, read as the first day no longer paid, "
                                "so each contract loses its last month",
                                "if end_date is the last day paid, set end_date: inclusive under tables.subscriptions "
                                "in chs.yaml", severity="warning"))
    return problems


def sparse_snapshot_problems(ds: Dataset) -> list[Problem]:
    """arr_monthly with one-month holes in many accounts: periods (one row per start) taken for monthly snapshots."""
    if not ds.has("arr_monthly") or "arr_monthly" in ds.derived:
        return []
    holed, eligible, examples, stops, paying = ds.rows((QUERIES / "sparse_snapshots.sql").read_text())[0]
    fix = ("give one row per account and every month it paid, or supply the periods as subscriptions "
           "(account_id, start_date, end_date, mrr) and monthly ARR is derived from them")
    pattern = "this looks like subscription periods (one row per start month) loaded as monthly snapshots"
    if holed >= SPARSE_MIN_ACCOUNTS and holed >= SPARSE_SHARE * max(eligible, 1):
        return [Problem("arr_monthly", "month", None,
                        f"{holed} of {eligible} accounts with ARR in 3+ months have ARR in the months before and after "
                        f"a month without any (e.g. {_examples(examples)}): {pattern}, which counts paying months as "
                        "churn", fix, severity="warning")]
    if paying >= STOP_MIN_MONTHS and stops > STOP_SHARE * paying:
        return [Problem("arr_monthly", "month", None,
                        f"{stops / paying:.0%} of the months with ARR are followed by a month without ARR for the same "
                        f"account: {pattern}, which counts every later paying month as churn", fix, severity="warning")]
    return []


def derived_table_problems(ds: Dataset) -> list[Problem]:
    return subscription_problems(ds) + sparse_snapshot_problems(ds)
