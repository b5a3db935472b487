"""Every count the checks of one table need, in one pass over its raw view and one over its typed view.

A check is declared before anything is read: the rows it counts (Count: a condition over the raw or the
typed view) and how it reports the counts it gets (Counted.report). validate_dataset gathers the Counts of
all checks of a table, counts them all in one scan per view, then calls each report; a report asks for
examples (its own, slower query) only when its count is not 0, so a clean large table costs two scans
instead of one per check and column. Checks that group or join (duplicate keys, account ids, copies) have
no Count and run their own query in their report.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from chs_core.errors import Problem
from chs_core.sources import Dataset
from chs_core.validation import sql


@dataclass(frozen=True)
class Count:
    """Rows of one table where `condition` (SQL over quoted contract columns, written in validation) holds."""

    table: str
    raw: bool  # over raw_<table> (as supplied) rather than the typed view
    condition: str
    params: tuple = ()  # bound in order; a tuple in it binds as a list (a Count must be hashable)


ALL_ROWS = "true"


@dataclass(frozen=True)
class Counted:
    """A check: the rows it counts, and its problems given those counts (in the same order)."""

    counts: tuple[Count, ...]
    report: Callable[[Sequence[int]], list[Problem]] = field(compare=False)


def direct(check: Callable[[], list[Problem]]) -> Counted:
    """A check that runs its own query (a group or a join), in the order it was declared."""
    return Counted((), lambda _counts: check())


class Tally:
    """Counts, per table and view, computed together on first use and kept."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self._known: dict[Count, int] = {}
        self._kinds: dict[str, dict[str, str]] = {}
        self._once: dict[tuple, object] = {}

    def kinds(self, table: str) -> dict[str, str]:
        """Column -> DuckDB type of the raw (as supplied) view, for cheaper conditions on non-text columns."""
        if table not in self._kinds:
            self._kinds[table] = {row[0]: row[1] for row in self.ds.rows(sql.describe(table))}
        return self._kinds[table]

    def prime(self, counts: Iterable[Count]) -> None:
        """Count every condition not known yet, one query per table and view."""
        groups: dict[tuple[str, bool], list[Count]] = {}
        for c in counts:
            if c not in self._known and c not in groups.get((c.table, c.raw), []):
                groups.setdefault((c.table, c.raw), []).append(c)
        for (table, raw), wanted in groups.items():
            relation = sql.raw(table) if raw else sql.typed(table)
            params = [list(p) if isinstance(p, tuple) else p for c in wanted for p in c.params]  # lists bind as LIST
            total, *found = self.ds.rows(sql.tally(relation, [c.condition for c in wanted]), params)[0]
            self._known[Count(table, raw, ALL_ROWS)] = int(total)
            self._known.update({c: int(n) for c, n in zip(wanted, found)})

    def once(self, key: tuple, compute: Callable[[], object]) -> object:
        """A query result more than one check reads (e.g. rows per account id), computed on first use."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def count(self, c: Count) -> int:
        if c not in self._known:
            self.prime([c])
        return self._known[c]

    def run(self, checks: Sequence[Counted]) -> list[Problem]:
        """Every check's problems, in order, after counting all their rows together."""
        self.prime(c for check in checks for c in check.counts)
        return [p for check in checks for p in check.report([self.count(c) for c in check.counts])]
