"""The per-month digests behind the results store's data keys: rows are hashed as supplied (raw), grouped by the
month the typed view gives them (text dates and timestamps included), and every way of reading the values is part
of the key."""
from __future__ import annotations

from datetime import date

import pandas as pd

from chs_core.sources import FolderSource
from chs_core.store.fingerprint import data_keys, digest_cache_key, table_digests

ACCOUNTS = "account_id,account_name,segment,licensed_seats\nA1,Acme,SMB,10\nA2,Beta,SMB,5\n"
ARR = "account_id,month,arr\nA1,2025-10-01,1000\nA1,2025-11-01,1000\nA1,2025-12-01,1000\n"
# Two events in October, three in November (one written as a timestamp late on the 30th), one in December.
USAGE = ("account_id,user_id,event_date,feature,event_count\n"
         "A1,u1,2025-10-03,reports,1\nA1,u2,2025-10-31,reports,2\n"
         "A1,u1,2025-11-01,reports,1\nA2,u3,2025-11-15,export,3\nA2,u3,2025-11-30 23:30:00,export,1\n"
         "A1,u1,2025-12-01,reports,1\n")
TICKETS = ("ticket_id,account_id,opened_at,priority\nT1,A1,2025-10-31 23:59:59,P2\nT2,A1,2025-11-01 00:00:01,P1\n")


def _folder(path, usage: str = USAGE):
    path.mkdir(exist_ok=True)
    for name, text in (("accounts", ACCOUNTS), ("arr_monthly", ARR), ("usage_events", usage), ("tickets", TICKETS)):
        (path / f"{name}.csv").write_text(text)
    return FolderSource(path)


def _per_month(digests: pd.DataFrame, table: str) -> dict:
    rows = digests[digests["table_name"] == table]
    return {r.month: (int(r.n), r.h) for r in rows.itertuples(index=False)}


def test_text_dates_and_timestamps_are_digested_in_the_month_the_typed_view_gives_them(tmp_path):
    with _folder(tmp_path / "book").open() as ds:
        digests = table_digests(ds)
    usage = _per_month(digests, "usage_events")
    assert {m: n for m, (n, _) in usage.items()} == {date(2025, 10, 1): 2, date(2025, 11, 1): 3, date(2025, 12, 1): 1}
    tickets = _per_month(digests, "tickets")
    assert {m: n for m, (n, _) in tickets.items()} == {date(2025, 10, 1): 1, date(2025, 11, 1): 1}
    accounts = _per_month(digests, "accounts")
    (month, (n, _)), = accounts.items()
    assert pd.isna(month) and n == 2  # a snapshot table: one digest, all rows


def test_a_corrected_value_changes_its_month_only_and_the_hash_is_exact_text(tmp_path):
    with _folder(tmp_path / "a").open() as ds:
        before = _per_month(table_digests(ds), "usage_events")
    corrected = USAGE.replace("A2,u3,2025-11-15,export,3", "A2,u3,2025-11-15,export,4")
    with _folder(tmp_path / "b", corrected).open() as ds:
        after = _per_month(table_digests(ds), "usage_events")
    changed = [m for m in before if before[m] != after[m]]
    assert changed == [date(2025, 11, 1)]
    assert before[date(2025, 11, 1)][0] == after[date(2025, 11, 1)][0] == 3  # same rows, another sum of hashes
    assert all(isinstance(h, str) and h.lstrip("-").isdigit() for _, h in before.values())  # no float rounding


def test_the_time_zone_values_are_read_in_is_part_of_every_key(tmp_path, monkeypatch):
    source = _folder(tmp_path / "book")
    with source.open() as ds:
        utc_key, utc_cache = data_keys(ds).key_at(date(2025, 10, 31)), digest_cache_key(source.key)
    monkeypatch.setenv("CHS_DATA_TIME_ZONE", "America/New_York")
    with source.open() as ds:
        assert data_keys(ds).key_at(date(2025, 10, 31)) != utc_key
    assert digest_cache_key(source.key) != utc_cache
