"""Fuzzing the mapping file (Hypothesis, bounded): any YAML value under any key gives a Mapping or a DataError
naming where, with a short message; and decimal commas, read through a mapping, give either the number a
second method (Python) reads or no number at all, never another one."""
from __future__ import annotations

import math
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chs_core.errors import DataError
from chs_core.sources import source_for
from chs_core.sources.mapping import COLUMN_KEYS, CSV_KEYS, TABLE_KEYS, TOP_KEYS, parse_mapping

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
KEYS = [*TOP_KEYS, *TABLE_KEYS, *COLUMN_KEYS, *CSV_KEYS, "accounts", "subscriptions", "arr_monthly", "account_id",
        "arr", "mrr", "month", "tables", "delim", ""]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.sampled_from([";", ",", "\t", "tab", "cp1252", "utf-16", "klingon", "%d.%m.%Y", "UTC",
                                     "Mars/Olympus", "../x.csv", "/etc/passwd", "x\" ); COPY (SELECT 1) TO 'p'; --"]),
                    st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=12)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(KEYS), values, max_size=4))
def test_any_mapping_gives_a_mapping_or_a_short_error_naming_where(data):
    try:
        parse_mapping(data)
    except DataError as exc:
        assert exc.problems and all(p.message and p.fix and len(str(p)) < 600 for p in exc.problems)


@FUZZ
@given(tables=st.dictionaries(st.sampled_from(["accounts", "arr_monthly", "tickets"]),
                              st.dictionaries(st.sampled_from(["csv", "file", "date_format", "time_zone"]), values,
                                              max_size=3), max_size=2))
def test_any_table_options_give_a_mapping_or_a_short_error(tables):
    try:
        parse_mapping(yaml.safe_load(yaml.safe_dump({"tables": tables})))
    except DataError as exc:
        assert all(len(str(p)) < 600 for p in exc.problems)


def _by_hand(text: str) -> float | None:
    """The number a decimal-comma cell means, by a second method: dots group thousands, one comma for decimals."""
    t = text.strip()
    if re.fullmatch(r"[+-]?(\d{1,3}(\.\d{3})+|\d*)(,\d+)?", t) and t.strip("+-"):
        return float(t.replace(".", "").replace(",", "."))
    try:
        return float(t)  # not written the decimal-comma way: read as written, or no number
    except ValueError:
        return None


cells = st.one_of(st.from_regex(r"\A[+-]?\d{1,7}(,\d{1,3})?\Z"), st.from_regex(r"\A\d{1,3}(\.\d{3}){1,2}(,\d\d)?\Z"),
                  st.sampled_from(["1.5", "1.2.3", "12,", ",5", "1,2,3", "", "1e3", "abc", "1.000.0", "-0,5"]))


@settings(FUZZ, max_examples=25)
@given(arr=st.lists(cells, min_size=1, max_size=6))
def test_decimal_commas_through_a_mapping_give_the_number_meant_or_none(tmp_path, arr):
    folder = tmp_path
    rows = "".join(f"A;2025-{i % 12 + 1:02d}-01;{v}\n" for i, v in enumerate(arr))
    (folder / "arr.csv").write_text("account_id;month;arr\n" + rows)
    (folder / "chs.yaml").write_text('csv: {delimiter: ";", decimal_comma: true}\n'
                                     "tables:\n  arr_monthly: {file: arr.csv}\n")
    with source_for(folder).open() as ds:
        got = [r[0] for r in ds.rows("SELECT TRY_CAST(arr AS DOUBLE) FROM raw_arr_monthly")]
    for cell, value in zip(arr, got):
        meant = _by_hand(cell)
        if value is None or meant is None:
            assert value is None or cell.strip() == "", (cell, value)
        else:
            assert math.isclose(value, meant), (cell, value, meant)
