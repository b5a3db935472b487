"""Which supplied column to suggest renaming to a missing one: only a close name whose values fit the type.

"rename column 'closed_at' to 'opened_at'" would be harmful advice: the names differ in meaning and a
close-enough spelling is not evidence. A suggestion needs a name within a typo of the contract's
(difflib ratio >= CUTOFF), not itself a contract column of the table, and, for a typed column, most of
its values castable to the contract type. Names sharing a last word are compared without it: "usage_id" is
no typo of "user_id" (usage/user), while "acount_name" is one of "account_name" (acount/account).
"""
from __future__ import annotations

import difflib

from chs_core.contract import Table
from chs_core.sources import Dataset
from chs_core.validation import sql

CUTOFF = 0.8  # "acount_name"/"account_name" 0.96, "segmnt"/"segment" 0.92; "closed_at"/"opened_at" 0.67
FIT_SHARE = 0.9  # share of non-empty values that must cast to the contract type


def _typo_of(name: str, wanted: str) -> bool:
    a, b = name.lower().split("_"), wanted.split("_")
    while len(a) > 1 and len(b) > 1 and a[-1] == b[-1]:  # a shared last word ("_id", "_at") says nothing
        a, b = a[:-1], b[:-1]
    return difflib.SequenceMatcher(None, "_".join(a), "_".join(b)).ratio() >= CUTOFF


def rename_candidate(ds: Dataset, table: Table, missing: str) -> str | None:
    supplied = sorted(ds.columns.get(table.name, frozenset()) - set(table.column_names))
    close = [c for c in difflib.get_close_matches(missing, supplied, n=3, cutoff=CUTOFF) if _typo_of(c, missing)][:1]
    if not close:
        return None
    kind = table.column(missing).type
    if kind == "VARCHAR":
        return close[0]
    target = "TIMESTAMP" if kind == "DATE" else kind
    filled, fits = ds.rows(sql.castable(table.name, close[0], target))[0]
    return close[0] if filled and fits >= FIT_SHARE * filled else None
