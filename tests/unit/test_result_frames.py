"""result_frame gives exactly the frame DuckDB's own .df() gives (the second method), by a faster route."""
import duckdb
import pandas as pd
import pytest

from chs_core.sources.result_frames import result_frame

# Every type the contract's views produce, with and without NULLs, plus types DuckDB converts its own way.
WIDE = """
SELECT * FROM (VALUES
  ('a', NULL, DATE '2024-01-31', TIMESTAMP '2024-01-31 10:00', true, NULL, 1, NULL, 1.25::DECIMAL(10, 2), 2::BIGINT,
   TIMESTAMP_NS '2024-01-31', TIMESTAMPTZ '2024-01-31 00:00+00', 12345678901234567890::HUGEINT, 1.5::FLOAT,
   1::UBIGINT, 3.0::DOUBLE),
  ('b', 'x', NULL, NULL, false, true, 2, 3, NULL, 3, NULL, NULL, NULL, NULL, NULL, NULL)
) t(s, s_null, d, ts, b, b_null, i, i_null, dec, bi, tns, tz, huge, f, ub, dbl)
"""

QUERIES = [
    WIDE,
    "SELECT * FROM range(0) t(x)",  # no rows
    "SELECT DATE '9999-12-31' AS far, DATE '0001-01-01' AS early",
    "SELECT 1 AS a, 2 AS a",  # repeated names: .df() renames
    "SELECT [1, 2] AS l, {'k': 1} AS st, INTERVAL 1 DAY AS iv, 'x'::ENUM('x', 'y') AS e",  # through .df()
    "SELECT range AS n, range % 3 = 0 AS third, CASE WHEN range % 2 = 0 THEN range END AS even FROM range(100000)",
]


@pytest.mark.parametrize("query", QUERIES)
def test_same_frame_as_duckdb_df(query):
    con = duckdb.connect()
    pd.testing.assert_frame_equal(result_frame(con, query), con.execute(query).df())


def test_bound_parameters_positional_and_named():
    con = duckdb.connect()
    assert result_frame(con, "SELECT ?::INTEGER AS a, ?::VARCHAR AS b", [5, "x"]).to_dict("records") == [
        {"a": 5, "b": "x"}]
    assert result_frame(con, "SELECT $n::INTEGER + 1 AS a", {"n": 41})["a"].tolist() == [42]


def test_a_result_left_open_by_execute_does_not_break_it():
    con = duckdb.connect()
    con.execute("SELECT * FROM range(10)").fetchone()  # DuckDB 2 refuses con.sql while this is unfinished
    assert result_frame(con, "SELECT 7 AS seven")["seven"].tolist() == [7]
