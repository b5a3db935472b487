"""Validation counts every check of a table in one pass per view, with conditions that are cheaper for text and
non-text columns yet equal, value for value, to the general ones (checked here on hostile values in DuckDB)."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from chs_core.demo.build import generate_demo
from chs_core.sources import Dataset, FramesSource
from chs_core.validation import sql
from chs_core.validation.checks import validate_dataset

TEXT = [None, "", " ", "   ", " a", "a ", " a ", "a", "\t", " \t", "\u00a0", "a\u00a0", "\u3000\u2009", "é ", " é",
        "\u00a0a\u00a0", "a\n", "%", "_", " %", "% ", "\u200b", "!", "~ ", "\x7f", "\x7f ", "\x1f", " !", "\u00a0!"]
ZS = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
SCALARS = {
    "DATE": ["NULL", "DATE '2025-01-31'", "DATE 'infinity'", "DATE '-infinity'"],
    "TIMESTAMP": ["NULL", "TIMESTAMP '2025-01-31 23:59:59'", "TIMESTAMP 'infinity'"],
    "BIGINT": ["NULL", "0", "-7", "9223372036854775807"],
    "DOUBLE": ["NULL", "0.5", "'NaN'::DOUBLE", "'inf'::DOUBLE", "-1e300"],
    "BOOLEAN": ["NULL", "true", "false"],
}


def _truth(con, condition: str) -> list:
    return [r[0] for r in con.execute(f'SELECT ({condition}) IS TRUE FROM v ORDER BY i').fetchall()]


def _table(con, kind: str, values: list[str]) -> None:
    rows = ", ".join(f"({i}, CAST({v} AS {kind}))" for i, v in enumerate(values))
    con.execute(f'CREATE OR REPLACE TABLE v AS SELECT * FROM (VALUES {rows}) t(i, "c")')


def test_text_conditions_equal_the_general_trim_and_cast_ones():
    con = duckdb.connect()
    con.execute('CREATE TABLE v (i INTEGER, "c" VARCHAR)')
    con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(TEXT)))
    assert _truth(con, sql.blank("c", "VARCHAR")) == _truth(con, sql.blank("c"))
    assert _truth(con, sql.filled("c", "VARCHAR")) == _truth(con, sql.filled("c"))
    assert _truth(con, sql.padded("c", "VARCHAR")) == _truth(con, sql.padded("c"))
    # By hand: DuckDB's trim removes Unicode spaces (Zs: the space, no-break and ideographic spaces), not tabs.
    assert _truth(con, sql.blank("c", "VARCHAR")) == [v is None or v.strip(ZS) == "" for v in TEXT]
    assert _truth(con, sql.padded("c", "VARCHAR")) == [v is not None and v != v.strip(ZS) for v in TEXT]


@pytest.mark.parametrize("kind", sorted(SCALARS))
def test_conditions_on_numbers_dates_and_booleans_equal_the_general_ones(kind):
    con = duckdb.connect()
    _table(con, kind, SCALARS[kind])
    for fast, general in ((sql.blank("c", kind), sql.blank("c")), (sql.filled("c", kind), sql.filled("c")),
                          (sql.padded("c", kind), sql.padded("c"))):
        assert _truth(con, fast) == _truth(con, general)
    for target in ("TIMESTAMP", "DOUBLE", "BIGINT", "BOOLEAN"):
        assert _truth(con, sql.wrong_type("c", target, kind)) == _truth(con, sql.wrong_type("c", target)), target


def test_a_clean_table_is_scanned_once_per_view_for_all_its_counted_checks(monkeypatch):
    frames = generate_demo(seed=3, n_accounts=40, end_month=date(2025, 6, 1), n_months=6)
    queries: list[str] = []
    real = Dataset.rows

    def recording(self, text, params=None):
        queries.append(text)
        return real(self, text, params)

    monkeypatch.setattr(Dataset, "rows", recording)
    with FramesSource(frames).open() as ds:
        problems = validate_dataset(ds, date(2025, 7, 1))
    assert [p for p in problems if p.table == "usage_events"] == []
    raw = [q for q in queries if '"raw_usage_events"' in q and not q.startswith("DESCRIBE")]
    # One pass for every count over the raw values, one sampled group query looking for a doubled export.
    assert len(raw) == 2 and sum("GROUP BY" in q for q in raw) == 1
    typed = [q for q in queries if 'FROM "usage_events"' in q and "count(*) FILTER" in q]
    assert len(typed) == 1  # the value rule and the dates after today, together


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def test_the_sparse_snapshot_counts_equal_a_count_by_hand_on_random_books():
    import random

    import pandas as pd

    from chs_core.validation.subscriptions import QUERIES

    query = (QUERIES / "sparse_snapshots.sql").read_text()
    for seed in range(12):
        rnd = random.Random(seed)
        months = [_add_months(date(2024, 11, 1), i) for i in range(14)]  # across a year end
        rows = [(rnd.choice([f"a{i}" for i in range(8)] + [None]), rnd.choice(months) + pd.Timedelta(days=rnd.randrange(3)),
                 rnd.choice([0.0, 50.0, 100.0])) for _ in range(rnd.randrange(0, 60))]
        frames = {"accounts": pd.DataFrame({"account_id": [f"a{i}" for i in range(8)]}),
                  "arr_monthly": pd.DataFrame(rows, columns=["account_id", "month", "arr"])}
        paid = {(a, m.replace(day=1)) for a, m, arr in rows if a is not None and arr > 0}
        by_account: dict[str, set] = {}
        for a, m in paid:
            by_account.setdefault(a, set()).add(m)
        holes = sorted(a for a, ms in by_account.items()
                       if any(_add_months(m, 2) in ms and _add_months(m, 1) not in ms for m in ms))
        last = max((m for _, m in paid), default=None)
        before_last = [(a, m) for a, m in paid if m < last]
        stops = sum((a, _add_months(m, 1)) not in paid for a, m in before_last)
        eligible = sum(len(ms) >= 3 for ms in by_account.values())
        with FramesSource(frames).open() as ds:
            got = ds.rows(query)[0]
        assert got == (len(holes), eligible, holes[:3] or None, stops, len(before_last)), seed
