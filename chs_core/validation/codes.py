"""Code columns without a value rule (roles, activity types, outcomes): values loading could not read as a code,
with their counts and the value map to add. Known spellings ("Executive Sponsor", "QBR") are read already
(sources.codes); more than half of the values unknown is an error, since the metrics would see almost nothing.
"""
from __future__ import annotations

import difflib

from chs_core.contract import Table
from chs_core.errors import Problem
from chs_core.sources import Dataset
from chs_core.sources.codes import CODES
from chs_core.validation import sql
from chs_core.validation.tally import Count, Counted

# Code columns whose unknown values validation.rules does not already report (priority, segment).
REPORTED = (("contacts", "role"), ("nps_responses", "respondent_role"), ("csm_activities", "activity_type"),
            ("csm_activities", "outcome"))
EFFECT = {
    "role": "such contacts count as no sponsor, decision maker or champion",
    "respondent_role": "such answers weigh as an end user's",
    "activity_type": "such activities count as no meeting, QBR, training or renewal meeting",
    "outcome": "such activities count as neither held nor missed",
}


def _guess(value: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    return close[0] if close else "<one of " + ", ".join(allowed) + ">"


def unknown_codes(ds: Dataset, table: Table) -> list[Counted]:
    checks = []
    for name, column in REPORTED:
        if name != table.name or column not in ds.columns.get(table.name, frozenset()):
            continue
        allowed = CODES[(name, column)][0]

        def report(counts, name=name, column=column, allowed=allowed) -> list[Problem]:
            filled, unknown = counts
            if not unknown:
                return []
            top = ds.rows(sql.unknown_codes(name, column), [list(allowed)])
            listed = ", ".join(f"{v!r} ({n:,} rows)" for v, n in top)
            example = f"{top[0][0]!r}: {_guess(top[0][0], allowed)}"
            severity = "error" if unknown * 2 > filled else "warning"
            return [Problem(
                name, column, int(unknown),
                f"values that are not {', '.join(allowed)}: {listed}; {EFFECT[column]}",
                f"add a value map for {name}.{column} to your mapping (e.g. {example}), or correct them at the source",
                severity=severity)]
        counts = (Count(name, False, sql.not_null(column)), Count(name, False, sql.unknown_code(column), (tuple(allowed),)))
        checks.append(Counted(counts, report))
    return checks
