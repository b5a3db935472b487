"""Bring-your-own-data: monthly ARR derived from a subscriptions export (the mapped-folder route), against the
same month-end join written by hand in DuckDB over the raw CSV (the floor)."""
from __future__ import annotations

import random
from pathlib import Path

import duckdb

from chs_core.sources import source_for
from scripts.benchmarks.common import Context, Row, timed

ACCOUNTS = 20_000
FOLDER = Path("/tmp/chs-bench-subscriptions")


def _export() -> Path:
    """A billing export: 20,000 accounts, 1-4 periods each over 2022-2024 (about 50,000 rows)."""
    path = FOLDER / "billing.csv"
    if path.exists():
        return path
    FOLDER.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    with open(path, "w") as out:
        out.write("sub,customer,begins,ends,monthly\n")
        n = 0
        for a in range(ACCOUNTS):
            month = rng.randrange(0, 24)
            for _ in range(rng.randint(1, 4)):
                length = rng.randint(1, 12)
                start = f"{2022 + month // 12}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}"
                end_m = month + length
                end = f"{2022 + end_m // 12}-{end_m % 12 + 1:02d}-01" if end_m < 36 else ""
                out.write(f"s{n},A{a},{start},{end},{rng.choice((29, 49, 99, 199))}\n")
                n += 1
                month = end_m
                if month >= 36:
                    break
    (FOLDER / "chs.yaml").write_text(
        "tables:\n  subscriptions:\n    file: billing.csv\n    columns: {subscription_id: sub, account_id: customer,"
        " start_date: begins, end_date: ends, mrr: monthly}\n    through: 2024-12-31\n")
    return path


FLOOR = """
WITH s AS (SELECT customer, CAST(begins AS DATE) AS b, TRY_CAST(ends AS DATE) AS e, CAST(monthly AS DOUBLE) * 12 AS arr
           FROM read_csv(?, all_varchar = false)),
m AS (SELECT CAST(g AS DATE) AS month, CAST(g + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS last_day
      FROM generate_series(DATE '2022-01-01', DATE '2024-12-01', INTERVAL 1 MONTH) AS t(g))
SELECT count(*), sum(arr) FROM (
    SELECT customer, month, sum(arr) AS arr FROM s JOIN m ON s.b <= m.last_day AND (s.e IS NULL OR s.e > m.last_day)
    GROUP BY ALL)
"""


def run(ctx: Context) -> list[Row]:
    path = _export()

    def derived():
        with source_for(FOLDER).open() as ds:
            return ds.rows("SELECT count(*), sum(arr) FROM arr_monthly")[0]

    def floor():
        with duckdb.connect() as con:
            return con.execute(FLOOR, [str(path)]).fetchone()

    seconds, ours = timed(derived, ctx.repeat)
    floor_seconds, theirs = timed(floor, ctx.repeat)
    assert ours[0] == theirs[0] and abs(ours[1] - theirs[1]) < 1e-6 * theirs[1], (ours, theirs)
    return [Row("open a mapped subscriptions export, derive monthly ARR", seconds, floor_seconds,
                f"{ACCOUNTS:,} accounts, {ours[0]:,} account-months")]
