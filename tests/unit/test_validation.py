"""Loading from every source kind, and every validation problem named with table, column and fix."""
from datetime import date

import duckdb
import pandas as pd
import pytest

from chs_core.errors import DataError
from chs_core.sources import dataset_from_frames, open_dataset
from chs_core.validation.checks import require_valid, validate_dataset

TODAY = date(2026, 11, 23)


def good_frames() -> dict[str, pd.DataFrame]:
    return {
        "accounts": pd.DataFrame({"account_id": ["a1", "a2"], "account_name": ["Acme", "Globex"],
                                  "segment": ["SMB", "Enterprise"], "licensed_seats": ["10", "200"],
                                  "renewal_date": ["2027-03-01", "2027-06-30"]}),
        "arr_monthly": pd.DataFrame({"account_id": ["a1", "a1", "a2"], "month": ["2026-01-01", "2026-02-15", "2026-02-01"],
                                     "arr": ["1200", "1200.5", "90000"]}),
        "tickets": pd.DataFrame({"ticket_id": ["t1"], "account_id": ["a1"], "opened_at": ["2026-02-03 10:00:00"],
                                 "resolved_at": ["2026-02-04 12:00:00"], "priority": ["P1"], "escalated": ["true"], "csat": ["4"]}),
    }


def problems_for(frames) -> list[str]:
    return [str(p) for p in validate_dataset(dataset_from_frames(frames), TODAY)]


def with_change(table: str, **columns) -> dict[str, pd.DataFrame]:
    frames = good_frames()
    frame = frames[table].copy()
    for name, values in columns.items():
        frame[name] = values
    frames[table] = frame
    return frames


def test_good_data_has_no_problems_and_is_cast_to_contract_types():
    ds = dataset_from_frames(good_frames())
    assert validate_dataset(ds, TODAY) == []
    arr = ds.df("SELECT * FROM arr_monthly ORDER BY account_id, month")
    # month truncated to the first of the month; arr parsed as a number
    assert [str(m.date()) for m in arr["month"]] == ["2026-01-01", "2026-02-01", "2026-02-01"]
    assert arr["arr"].tolist() == [1200.0, 1200.5, 90000.0]
    assert ds.df("SELECT escalated FROM tickets")["escalated"].tolist() == [True]
    # an absent optional table is an empty view with the contract columns
    assert list(ds.df("SELECT * FROM nps_responses").columns) == ["account_id", "responded_at", "score", "respondent_role"]
    assert ds.present == {"accounts", "arr_monthly", "tickets"}


@pytest.mark.parametrize("frames, expected", [
    (lambda f: {k: v for k, v in f.items() if k != "arr_monthly"}, ["ERROR arr_monthly", "required table is missing", "arr_monthly.csv"]),
    (lambda f: {**f, "accounts": f["accounts"].rename(columns={"account_name": "acount_name"})},
     ["accounts.account_name", "required column is missing", "rename column 'acount_name' to 'account_name'"]),
    (lambda f: {**f, "accounts": f["accounts"].drop(columns=["licensed_seats"])},
     ["accounts.licensed_seats", "required column is missing", "add a column 'licensed_seats'"]),
], ids=["missing table", "misspelt column", "absent column"])
def test_structural_problems(frames, expected):
    text = "\n".join(problems_for(frames(good_frames())))
    for fragment in expected:
        assert fragment in text


@pytest.mark.parametrize("table, column, values, expected", [
    ("arr_monthly", "arr", ["1,200", "1200", "90000"], ["arr_monthly.arr", "not DOUBLE", "'1,200'", "(1 rows)", "no currency symbols"]),
    ("arr_monthly", "month", ["01/13/2026", "2026-02-01", "2026-02-01"], ["arr_monthly.month", "not DATE", "YYYY-MM-DD"]),
    ("accounts", "licensed_seats", ["ten", "200"], ["accounts.licensed_seats", "not BIGINT", "'ten'", "whole numbers"]),
    ("tickets", "escalated", ["maybe"], ["tickets.escalated", "not BOOLEAN", "true/false"]),
    ("accounts", "account_name", ["Acme", ""], ["accounts.account_name", "required value is empty", "(1 rows)"]),
    ("accounts", "account_id", ["a1", "a1"], ["accounts.account_id", "duplicate account_id", "'a1'", "keep one row per account_id"]),
    ("arr_monthly", "month", ["2026-01-01", "2026-01-20", "2026-02-01"], ["arr_monthly.account_id and month", "duplicate", "a1 / 2026-01-01", "sum ARR"]),
    ("arr_monthly", "arr", ["-5", "1200", "90000"], ["ERROR arr_monthly.arr", "negative ARR", "(1 rows)"]),
    ("arr_monthly", "account_id", ["a1", "a1", "zz"], ["ERROR arr_monthly.account_id", "33% of the rows", "not in accounts", "'zz'"]),
    ("arr_monthly", "month", ["2026-01-01", "2026-02-01", "2027-02-01"], ["ERROR arr_monthly.month", "after today 2026-11-23", "2027-02-01"]),
    ("tickets", "opened_at", ["2031-01-01"], ["tickets.opened_at", "after today"]),
    ("accounts", "segment", ["SMB", "Strategic"], ["WARNING accounts.segment", "not one of SMB, Mid-Market, Enterprise", "Strategic"]),
    ("accounts", "licensed_seats", ["0", "200"], ["accounts.licensed_seats", "must be positive"]),
    ("tickets", "priority", ["critical"], ["ERROR tickets.priority", "not one of P0, P1, P2, P3", "urgent→P0"]),
    ("tickets", "csat", ["9"], ["tickets.csat", "outside 1-5"]),
    ("tickets", "resolved_at", ["2026-02-01 00:00:00"], ["WARNING tickets.resolved_at", "resolved before it was opened"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_value_problems_name_table_column_and_fix(table, column, values, expected):
    text = "\n".join(problems_for(with_change(table, **{column: values})))
    for fragment in expected:
        assert fragment in text, text


def test_nps_out_of_range_and_seats_negative():
    frames = good_frames()
    frames["nps_responses"] = pd.DataFrame({"account_id": ["a1"], "responded_at": ["2026-01-05"], "score": ["11"]})
    frames["arr_monthly"] = frames["arr_monthly"].assign(seats=["5", "-1", "100"])
    text = "\n".join(problems_for(frames))
    assert "nps_responses.score: NPS answer outside 0-10" in text
    assert "arr_monthly.seats: negative seats" in text


def test_require_valid_raises_with_every_error_but_returns_warnings():
    frames = with_change("arr_monthly", arr=["-5", "1,200", "90000"])
    with pytest.raises(DataError) as err:
        require_valid(dataset_from_frames(frames), TODAY)
    assert len(err.value.problems) == 2
    warnings = require_valid(dataset_from_frames(with_change("accounts", segment=["SMB", "Strategic"])), TODAY)
    assert [w.severity for w in warnings] == ["warning"]


def test_csv_folder_parquet_and_duckdb_sources_load_alike(tmp_path):
    frames = good_frames()
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    for name, frame in frames.items():
        # column names are matched case-insensitively
        frame.rename(columns=str.upper).to_csv(csv_dir / f"{name}.csv", index=False)
    pq_dir = tmp_path / "pq"
    pq_dir.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(pq_dir / f"{name}.parquet")
    db = tmp_path / "data.duckdb"
    con = duckdb.connect(str(db))
    for name, frame in frames.items():
        con.register("f", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM f')
        con.unregister("f")
    con.close()
    expected = dataset_from_frames(frames).df("SELECT * FROM arr_monthly ORDER BY ALL")
    for source in (csv_dir, pq_dir, db):
        ds = open_dataset(source)
        assert validate_dataset(ds, TODAY) == [], source
        pd.testing.assert_frame_equal(ds.df("SELECT * FROM arr_monthly ORDER BY ALL"), expected)
        ds.close()


def test_unreadable_sources_give_clear_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist.*--data"):
        open_dataset(tmp_path / "nope")
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a database")
    with pytest.raises(DataError, match="is a text file, not a DuckDB database"):
        open_dataset(bad)


def test_misnamed_file_in_folder_is_suggested(tmp_path):
    good_frames()["accounts"].to_csv(tmp_path / "crm_accounts.csv", index=False)
    good_frames()["arr_monthly"].to_csv(tmp_path / "arr_monthly.csv", index=False)
    text = "\n".join(str(p) for p in validate_dataset(open_dataset(tmp_path), TODAY))
    assert "rename crm_accounts.csv to accounts.csv" in text


def test_rows_dated_before_the_account_became_a_customer_are_warned_about():
    frames = good_frames()
    # a1's first ARR month is 2026-01 (no customer_since column): a ticket on 2025-12-20 predates it; a2 starts 2026-02.
    frames["tickets"] = pd.DataFrame({"ticket_id": ["t1", "t2", "t3"], "account_id": ["a1", "a1", "a2"],
                                      "opened_at": ["2025-12-20", "2026-01-05", "2026-01-31"], "priority": ["P2"] * 3})
    text = "\n".join(problems_for(frames))
    assert "WARNING tickets.opened_at: rows dated before their account became a customer" in text
    assert "(2 rows)" in text  # t1 (a1, Dec before Jan) and t3 (a2, Jan before Feb); t2 is in a1's first month


def test_unreadable_files_are_named_with_line_and_fix_and_other_tables_still_checked(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,account_name,segmnt,licensed_seats\na1,Acme,SMB,10\n")
    # Line 4 has an unquoted thousands separator: 4 fields under a 3-field header. The header is line 1, not
    # whichever line a sniffer likes best.
    (tmp_path / "arr_monthly.csv").write_text("account_id,month,arr\na1,2026-01-01,1200\na1,2026-02-01,5\na1,2026-03-01,1,000\n")
    (tmp_path / "tickets.csv").write_text("")
    (tmp_path / "nps_responses.csv").write_bytes(b"account_id,responded_at,score\na1,2026-01-05,\xff\n")
    text = "\n".join(str(p) for p in validate_dataset(open_dataset(tmp_path), TODAY))
    assert "ERROR arr_monthly: line 4 has 4 fields but the header has 3" in text and '"1,000"' in text
    assert "ERROR tickets: tickets.csv: the file is empty" in text
    assert "ERROR nps_responses: nps_responses.csv is not UTF-8 text" in text  # byte 0xff in a data line
    assert "accounts.segment: required column is missing" in text  # the readable table is still checked
    assert "arr_monthly: required table is missing" not in text  # it is there, just unreadable


def test_non_utf8_header_is_reported(tmp_path):
    good_frames()["accounts"].to_csv(tmp_path / "accounts.csv", index=False)
    (tmp_path / "arr_monthly.csv").write_bytes("compte,mois,arr\n".encode("utf-16"))
    text = "\n".join(str(p) for p in validate_dataset(open_dataset(tmp_path), TODAY))
    assert "ERROR arr_monthly: arr_monthly.csv is not UTF-8 text. Fix: save the file as UTF-8 CSV" in text


def test_required_tables_without_anything_to_score_are_errors():
    frames = good_frames()
    frames["arr_monthly"] = frames["arr_monthly"].assign(arr=["0", "0", "0"])
    text = "\n".join(problems_for(frames))
    assert "ERROR arr_monthly: the table has no row with ARR above 0" in text
    frames = good_frames()
    frames["accounts"] = frames["accounts"].iloc[0:0]
    assert "ERROR accounts: the table has no rows. Fix: add one row per customer account" in "\n".join(problems_for(frames))
