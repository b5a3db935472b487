"""Fuzzing CSV headers, cells and bytes (Hypothesis, bounded): loading and validation never raise, never run
a name as SQL, and figures come out only of sound data.

Each run is capped (max_examples, no example database), so the suite stays fast and repeatable.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chs_core.errors import Problem
from chs_core.pipeline import check_source
from tests.fixtures import six_accounts

TARGET = "pwned.txt"
NASTY = ["", " ", "NaN", "nan", "inf", "-Infinity", "-infinity", "infinity", "epoch", "1e300", "-1e308", "1,200",
         "1.200,50", "25-01-01", "0025-01-01", "1925-01-01", "2025-13-01", "2025-02-30", "2025-01-01T00:00:00+14:00",
         "2025-01-01", "2025-06-15", "1200", "-5", "0", "10.5", '"', "'", '""', "\\", ";", ",", "\t", "\r", "\n",
         "\r\n", "sep=,", "\ufeff", "NULL", "null", "None", "Ω≈ç√", "😀", "a" * 200,
         f"x\" ); COPY (SELECT 1) TO '{TARGET}'; --", f"x' ); COPY (SELECT 1) TO '{TARGET}'; --"]
HEADERS = ["account_id", "month", "arr", "ARR", "Arr", "seats", "Month", " arr", "arr ", "", "account id",
           f'x" ); COPY (SELECT 1) TO \'{TARGET}\'; --', "x}", "a'b", "column_4"]

cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
headers = st.one_of(st.sampled_from(HEADERS), st.text(max_size=10))
FUZZ = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _book(tmp: Path, arr_bytes: bytes) -> Path:
    folder = tmp / "data"
    folder.mkdir(exist_ok=True)
    six_accounts()["accounts"].to_csv(folder / "accounts.csv", index=False)
    (folder / "arr_monthly.csv").write_bytes(arr_bytes)
    return folder


def _csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _assert_sound(folder: Path, cwd: Path) -> None:
    checked = check_source(folder)  # must not raise, whatever the file holds
    assert all(isinstance(p, Problem) and p.message and p.fix for p in checked.problems)
    assert all(len(str(p)) < 2000 for p in checked.problems)  # no unbounded value in a message
    assert not any("Traceback" in str(p) or "Binder Error" in str(p) for p in checked.problems)
    if checked.usable and checked.arr is not None:  # figures only from sound data
        assert all(math.isfinite(v) and 0 <= v <= 1e12 for v in checked.arr["arr"])
        assert all(1990 <= m.year <= 2100 for m in checked.arr["month"])
    assert not list(cwd.rglob(TARGET))


@pytest.fixture()
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@FUZZ
@given(extra=st.lists(headers, max_size=3), rows=st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=6))
def test_fuzzed_headers_and_cells(workdir, extra, rows):
    header = ["account_id", "month", "arr", *extra][:4]
    body = [[("A" if i % 2 else "B"), m, a, x][:len(header)] for i, (m, a, x, _) in enumerate(rows)]
    _assert_sound(_book(workdir, _csv_text(header, body)), workdir)


@FUZZ
@given(header=st.lists(headers, min_size=1, max_size=4), rows=st.lists(st.lists(cells, max_size=5), max_size=5))
def test_fuzzed_ragged_tables(workdir, header, rows):
    _assert_sound(_book(workdir, _csv_text(header, rows)), workdir)


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzzed_bytes(workdir, data):
    _assert_sound(_book(workdir, b"account_id,month,arr\n" + data), workdir)
