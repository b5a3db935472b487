"""Hostile and messy inputs through the CLI, table-driven: each case is an input, the verdict, the words the
message must hold, and whether figures may come out of it.

Verdicts: "error" - validate exits 2 naming the problem, and kpis exits 2 printing no figure at all;
"warning" - validate exits 0 and names the problem, kpis runs; "clean" - validate finds nothing.
`same` - the case holds the same data as the clean book written differently, so kpis must give exactly the
clean book's figures (a wrong number would show here). No output may carry a traceback or DuckDB's own words.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chs_core.cli import main
from chs_core.contract import TABLES
from chs_core.sources import open_dataset
from chs_core.sources.sql import quote_identifier
from tests.fixtures import write_csv_folder
from tests.messy import full_book

INTERNALS = ("Traceback", "Binder Error", "Invalid Input Error", "Conversion Error", "Parser Error", "struct_pack",
             "state machine", "Catalog Error")


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]  # writes the input into a folder holding the clean book; returns --data
    verdict: str  # "error" | "warning" | "clean"
    words: tuple[str, ...] = ()
    same: bool = False  # figures must equal the clean book's
    absent: tuple[str, ...] = ()  # words that must not appear (harmful advice)


def _csv(folder: Path, table: str) -> Path:
    return folder / f"{table}.csv"


def _edit(table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        frame = pd.read_csv(_csv(folder, table), dtype=str, keep_default_na=False)
        change(frame).to_csv(_csv(folder, table), index=False)
        return folder
    return build


def _text(table: str, change: Callable[[str], str], encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = _csv(folder, table)
        path.write_bytes(change(path.read_text()).encode(encoding))
        return folder
    return build


def _set(column: str, row: int, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame
    return change


def _map(column: str, mapping: dict[str, str]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda f: f.assign(**{column: f[column].map(lambda v: mapping.get(v, v))})


def _replace_file(table: str, make: Callable[[Path], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = _csv(folder, table)
        path.unlink()
        make(path)
        return folder
    return build


def _to_parquet(table: str, change: Callable[[pd.DataFrame], pd.DataFrame], keep_csv: bool = False):
    def build(folder: Path) -> Path:
        frame = pd.read_csv(_csv(folder, table), dtype=str, keep_default_na=False)
        change(frame).to_parquet(folder / f"{table}.parquet")
        if not keep_csv:
            _csv(folder, table).unlink()
        return folder
    return build


def _berlin_months(frame: pd.DataFrame) -> pd.DataFrame:
    # Written east of UTC: midnight on the 1st in Berlin is 23:00 the day before in UTC.
    return frame.assign(month=pd.to_datetime(frame["month"]).dt.tz_localize("Europe/Berlin"),
                        arr=frame["arr"].astype(float))


def _in_schema(folder: Path) -> Path:
    path = folder.parent / "export.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA crm")
        for table in ("accounts", "arr_monthly"):
            frame = pd.read_csv(_csv(folder, table), dtype=str, keep_default_na=False)
            con.register("f", frame)
            con.execute(f"CREATE TABLE crm.{quote_identifier(table)} AS SELECT * FROM f")
            con.unregister("f")
    return path


def _sqlite(folder: Path) -> Path:
    import sqlite3

    path = folder.parent / "crm.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE accounts (account_id TEXT)")
    return path


def _doubled_usage(frame: pd.DataFrame) -> pd.DataFrame:
    many = pd.DataFrame({"account_id": ["A"] * 30, "user_id": [f"u{i}" for i in range(30)],
                         "event_date": ["2026-03-02"] * 30, "feature": ["reports"] * 30, "event_count": ["1"] * 30})
    once = pd.concat([frame, many], ignore_index=True)
    return pd.concat([once, once], ignore_index=True)


def _gzipped(table: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        with gzip.open(folder / f"{table}.csv.gz", "wb") as handle:
            handle.write(_csv(folder, table).read_bytes())
        _csv(folder, table).unlink()
        return folder
    return build


def _cut(folder: Path) -> Path:
    path = folder / "arr_monthly.parquet"
    path.write_bytes(path.read_bytes()[:-100])  # a copy that stopped early
    return folder


def _lines(text: str) -> list[str]:
    return text.splitlines()


CASES = [
    # Security ------------------------------------------------------------------------------------------------
    Case("hostile header", _text("accounts", lambda t: t.replace("\n", ",\"x\"\" ); COPY (SELECT 1) TO 'pwned.txt'; --\"\n", 1)
                                  .replace("\n", ",v\n").replace(",v\n", "\n", 1)), "clean", same=True),
    Case("sqlite file as data", _sqlite, "error", ("is a SQLite database", "export its tables to CSV")),
    # Silent wrong numbers -----------------------------------------------------------------------------------
    Case("ARR NaN", _edit("arr_monthly", _set("arr", 0, "NaN")), "error", ("arr_monthly.arr", "NaN, infinite", "A / 2025-01-01")),
    Case("ARR inf", _edit("arr_monthly", _set("arr", 5, "inf")), "error", ("arr_monthly.arr", "NaN, infinite")),
    Case("ARR 1e300", _edit("arr_monthly", _set("arr", 5, "1e300")), "error", ("arr_monthly.arr", "beyond 1,000,000,000,000")),
    Case("role spellings", _edit("contacts", _map("role", {"executive_sponsor": "Executive Sponsor", "champion": " CHAMPION"})),
         "clean", same=True),
    Case("activity spellings", _edit("csm_activities", _map("activity_type", {"meeting": "Meeting", "qbr": "QBR",
                                                                            "renewal_meeting": "Renewal Meeting"})),
         "clean", same=True),
    Case("outcome and priority spellings", lambda f: _edit("tickets", _map("priority", {"P1": "High", "P3": "low"}))(
        _edit("csm_activities", _map("outcome", {"held": "Completed", "missed": "No-Show"}))(f)), "clean", same=True),
    Case("unknown role", _edit("contacts", _map("role", {"champion": "CEO"})), "warning",
         ("contacts.role", "'CEO' (1 rows)", "value map for contacts.role")),
    Case("unknown activity types", _edit("csm_activities", _map("activity_type", {"meeting": "Webinar", "qbr": "Lunch"})),
         "error", ("csm_activities.activity_type", "'Lunch' (1 rows)", "'Webinar' (1 rows)")),
    Case("account ids with spaces", _edit("accounts", lambda f: f.assign(account_id=f["account_id"] + " ")), "warning",
         ("accounts.account_id", "spaces around them", "trimmed"), same=True),
    Case("account ids in another case", _edit("arr_monthly", lambda f: f.assign(account_id=f["account_id"].str.lower())),
         "error", ("arr_monthly.account_id", "only when case is ignored")),
    Case("most rows unmatched", _edit("arr_monthly", lambda f: f.assign(account_id="X" + f["account_id"])), "error",
         ("arr_monthly.account_id", "100% of the rows", "not in accounts")),
    Case("a few rows unmatched", _edit("arr_monthly", _set("account_id", 0, "ZZ")), "warning",
         ("arr_monthly.account_id", "1% of the rows", "'ZZ'", "left out of the scores")),
    Case("month text with offsets", _edit("arr_monthly", lambda f: f.assign(month=f["month"] + "T00:00:00+01:00")),
         "clean", same=True),
    Case("tz-aware Parquet east of UTC", _to_parquet("arr_monthly", _berlin_months), "clean", same=True),
    Case("year 1925", _edit("arr_monthly", _set("month", 0, "1925-01-01")), "error", ("implausible dates", "A / 1925-01-01")),
    Case("two-digit years", _edit("arr_monthly", lambda f: f.assign(month=f["month"].str[2:])), "error",
         ("arr_monthly.month", "two-digit year")),
    Case("-infinity and epoch", lambda f: _edit("arr_monthly", _set("month", 1, "epoch"))(
        _edit("arr_monthly", _set("month", 0, "-infinity"))(f)), "error", ("arr_monthly.month", "-infinity", "epoch")),
    Case("usage export loaded twice", _edit("usage_events", _doubled_usage), "error", ("usage_events", "loaded twice")),
    Case("ticket resolved before opened", _edit("tickets", _set("resolved_at", 0, "2026-01-01 00:00:00")), "warning",
         ("tickets.resolved_at", "resolved before it was opened", "left out of resolution time")),
    Case("fractional seats", _edit("accounts", _set("licensed_seats", 0, "10.5")), "error",
         ("accounts.licensed_seats", "fractions", "rows (account_id): A")),
    Case("ARR true/false in Parquet", _to_parquet("arr_monthly", lambda f: f.assign(arr=f["arr"].astype(float) > 0)),
         "error", ("arr_monthly.arr", "not DOUBLE", "'true'")),
    Case("csv beside parquet", _to_parquet("arr_monthly", lambda f: f.assign(arr=f["arr"].astype(float)), keep_csv=True),
         "error", ("arr_monthly.csv and arr_monthly.parquet", "keep one file per table")),
    # Tracebacks and hangs -----------------------------------------------------------------------------------
    Case(".csv.gz that is not gzip", lambda f: (os.rename(_csv(f, "accounts"), f / "accounts.csv.gz"), f)[1], "error",
         ("accounts.csv.gz is a text file, not a gzip archive",)),
    Case("real .csv.gz", _gzipped("accounts"), "clean", same=True),
    Case("table file is a folder", _replace_file("accounts", lambda p: p.mkdir()), "error", ("accounts.csv is a folder",)),
    Case("table file is a link to itself", _replace_file("accounts", lambda p: p.symlink_to(p)), "error",
         ("accounts.csv cannot be read", "symbolic links")),
    Case("Parquet cut off", lambda f: _cut(_to_parquet("arr_monthly", lambda x: x.assign(arr=x["arr"].astype(float)))(f)),
         "error", ("arr_monthly", "Parquet file is not complete")),
    Case("header of 2,500 columns", _text("tickets", lambda t: ",".join(f"c{i}" for i in range(2500)) + "\n"), "error",
         ("tickets.csv: the header has 2,500 columns",)),
    Case("first line over 1 MB", _text("tickets", lambda t: "x" * (1 << 20) + "\n"), "error",
         ("tickets.csv: the first line is longer than 1 MB",)),
    Case("FIFO as a table", _replace_file("accounts", os.mkfifo), "error", ("accounts.csv is a named pipe",)),
    Case("FIFO as chs.yaml", lambda f: (os.mkfifo(f / "chs.yaml"), f)[1], "error",
         ("chs.yaml: the mapping file is a named pipe",)),
    Case("folder as chs.yaml", lambda f: ((f / "chs.yaml").mkdir(), f)[1], "error",
         ("chs.yaml: the mapping file is a folder",)),
    Case("mixed CRLF and LF", _text("arr_monthly", lambda t: "\r\n".join(_lines(t)[:9]) + "\n" + "\n".join(_lines(t)[9:]) + "\n"),
         "clean", same=True),
    Case("Excel sep= line", _text("arr_monthly", lambda t: "sep=,\n" + t), "clean", same=True),
    Case("trailing commas", _text("arr_monthly", lambda t: "\n".join(line + "," for line in _lines(t)) + "\n"),
         "clean", same=True),
    Case("BOM", _text("arr_monthly", lambda t: "\ufeff" + t), "clean", same=True),
    Case("semicolons", _text("accounts", lambda t: t.replace(",", ";")), "clean", same=True),
    Case("headers arr and ARR", _text("arr_monthly", lambda t: "\n".join([_lines(t)[0] + ",ARR"] +
                                                                        [line + ",1" for line in _lines(t)[1:]]) + "\n"),
         "error", ("'arr' and 'ARR' have the same name", "rename or remove one")),
    Case("tables in another DuckDB schema", _in_schema, "clean"),
    Case("Latin-1 CSV", _text("accounts", lambda t: t.replace("Account A", "Café A"), encoding="latin-1"), "error",
         ("accounts.csv is not UTF-8",)),
    Case("UTF-16 CSV", _text("accounts", lambda t: t, encoding="utf-16"), "error", ("accounts",)),
    Case("empty file", _text("tickets", lambda t: ""), "error", ("tickets",)),
    Case("unquoted thousands separator", _edit("arr_monthly", _set("arr", 3, "1,200")), "error",
         ("arr_monthly.arr", "not DOUBLE", "'1,200'")),
    Case("thousands separator breaking a line", _text("arr_monthly", lambda t: t.replace(",1200.0\n", ",1,200.0\n", 1)),
         "error", ("arr_monthly", "line 2 has 4 fields but the header has 3")),
    Case("closed_at instead of opened_at", _edit("tickets", lambda f: f.rename(columns={"opened_at": "closed_at"})), "error",
         ("tickets.opened_at", "add a column 'opened_at'"), absent=("rename column 'closed_at'",)),
    Case("misspelt column", _edit("accounts", lambda f: f.rename(columns={"account_name": "acount_name"})), "error",
         ("rename column 'acount_name' to 'account_name'",)),
    Case("usage_id is no user_id", _edit("usage_events", lambda f: f.rename(columns={"user_id": "usage_id"})), "error",
         ("usage_events.user_id", "add a column 'user_id'"), absent=("rename column 'usage_id'",)),
]


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory) -> Path:
    return write_csv_folder(full_book(), tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def clean_figures(clean_folder) -> dict:
    return _figures(_kpis(clean_folder)[1])


@pytest.fixture(scope="module")
def clean_tables(clean_folder) -> dict[str, pd.DataFrame]:
    return _typed(clean_folder)


def _typed(data: Path) -> dict[str, pd.DataFrame]:
    """Every contract table as loading types and normalises it (codes read, ids trimmed, dates cut)."""
    with open_dataset(data) as ds:
        return {t.name: ds.table(t.name) for t in TABLES}


def _figures(kpis: dict) -> dict:
    """What a user reads: retention, the bridge and the health KPIs (scores, tiers, at-risk ARR)."""
    return {k: kpis[k] for k in ("retention", "bridge", "health")}


def _run(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def _kpis(data: Path) -> tuple[int, dict | None, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["kpis", "--data", str(data)])
    text = out.getvalue()
    figures = json.loads(text, parse_constant=_no_constant) if text.strip() else None
    return code, figures, err.getvalue()


def _no_constant(name: str):
    raise AssertionError(f"bare {name} in JSON")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_messy_input(case: Case, tmp_path, monkeypatch, clean_figures, clean_tables):
    monkeypatch.chdir(tmp_path)
    data = case.build(write_csv_folder(full_book(), tmp_path / "data"))
    kpi_code, figures, said = _kpis(data)  # kpis validates first and lists every problem, as validate does
    if case.verdict != "error":
        code, said = _run("validate", "--data", str(data))
        assert code == 0, said
        assert ("WARNING" in said) == (case.verdict == "warning"), said
        assert kpi_code == 0 and figures is not None
        if case.same:
            assert _figures(figures) == clean_figures
            for name, frame in _typed(data).items():  # the same data, read the same way
                pd.testing.assert_frame_equal(frame, clean_tables[name], obj=name)
    else:
        assert kpi_code == 2 and figures is None and "ERROR" in said, said  # no number from unsound data
    for word in case.words:
        assert word in said, said
    for word in case.absent:
        assert word not in said, said
    assert not any(w in said for w in INTERNALS), said
    assert not (tmp_path / "pwned.txt").exists()


def test_decimal_commas_read_when_the_reader_is_told(tmp_path, clean_figures):
    from chs_core.sources.csv_layout import CsvOptions
    from chs_core.sources.folder import FolderSource

    folder = write_csv_folder(full_book(), tmp_path / "data")
    frame = pd.read_csv(_csv(folder, "arr_monthly"), dtype=str)
    frame.assign(arr=frame["arr"].str.replace(".", ",", regex=False).str.replace("1200,0", "1.200,0")).to_csv(
        _csv(folder, "arr_monthly"), sep=";", index=False)
    plain = FolderSource(folder)
    told = FolderSource(folder, csv_options={"arr_monthly": CsvOptions(delimiter=";", decimal_comma=True)})
    query = "SELECT sum(arr), count(*) FROM arr_monthly"
    with plain.open() as ds:
        assert ds.scalar("SELECT count(arr) FROM arr_monthly") == 0  # 1.200,0 is no number without the option
    with told.open() as ds, FolderSource(write_csv_folder(full_book(), tmp_path / "clean")).open() as clean:
        assert ds.rows(query) == clean.rows(query)


def test_score_into_a_missing_folder_and_a_negative_horizon_are_usage_errors(tmp_path):
    folder = write_csv_folder(full_book(), tmp_path / "data")
    code, said = _run("score", "--data", str(folder), "-o", str(tmp_path / "missing" / "scores.csv"))
    assert code == 2 and "does not exist; create it first" in said
    code, said = _run("backtest", "--data", str(folder), "--horizon-months", "-3")
    assert code == 2 and "--horizon-months -3" in said
    assert not (tmp_path / "missing").exists()
    code, said = _run("backtest", "--data", str(folder), "--bootstrap", "100000000")  # would run for hours
    assert code == 2 and "--bootstrap 100000000: give 0 (no intervals) to 10,000" in said
    code, said = _run("suggest-weights", "--data", str(folder), "--out", str(tmp_path / "d.yaml"),
                      "--horizon-months", "-3")
    assert code == 2 and "--horizon-months -3" in said and not (tmp_path / "d.yaml").exists()
    code, said = _run("score", "--data", str(folder), "--as-of", "1925-01-01")  # a typo'd year: no empty table
    assert code == 2 and "before the data starts (the first ARR month is 2025-01)" in said
    if Path("/dev/full").exists():  # a disk that is full: the message names the file
        code, said = _run("score", "--data", str(folder), "-o", "/dev/full")
        assert code == 2 and "/dev/full: No space left on device" in said
    shutil.rmtree(folder)
