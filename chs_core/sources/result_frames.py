"""A DuckDB query's result as a pandas frame, through Arrow: the same frame DuckDB's own `.df()` gives, faster.

DuckDB 2.0's `.df()` converts a 2M-row, 54-column result in about 10 s; Arrow's `to_pandas` does it in about 1 s.
The frames must not differ, so types whose pandas form differs between the two routes are brought in line
(dates and decimals cast in Arrow; integers and booleans with NULLs made nullable, as `.df()` makes them), and
a result holding any type not listed here (lists, structs, intervals, UUIDs, enums...) or a repeated column name
goes through `.df()`.
tests/unit/test_result_frames.py compares the two routes.
"""
from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

_AS_IS = frozenset({"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
                    "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS",
                    "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "DATE", "HUGEINT"})
_NULLABLE = {pa.bool_(): pd.BooleanDtype(), pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
             pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(),
             pa.uint16(): pd.UInt16Dtype(), pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def result_frame(con: duckdb.DuckDBPyConnection, query: str, params: list | dict | None = None) -> pd.DataFrame:
    """con.execute(query, params).df(), converted through Arrow when every column's type allows it."""
    try:
        relation = con.sql(query, params=params or None)
        if relation is None:  # a statement without a result
            return pd.DataFrame()
        names = relation.columns
        if len(set(names)) < len(names) or not all(_convertible(str(t)) for t in relation.types):
            return relation.df()  # .df() renames repeated names (a, a_1); Arrow would keep them
        return _to_pandas(relation.to_arrow_table())
    except duckdb.ResourceInUseException:  # a con.execute result left unfetched, which execute() discards
        return con.execute(query, params or []).df()


def _convertible(type_name: str) -> bool:
    return type_name in _AS_IS or type_name.startswith("DECIMAL(")


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_date32(kind):
            column = column.cast(pa.timestamp("us"))  # .df() gives datetime64[us], Arrow datetime.date objects
        elif pa.types.is_decimal(kind):
            column = column.cast(pa.float64(), safe=False)  # .df() gives float64 for DECIMAL and HUGEINT
        columns.append(column)
    frame = pa.Table.from_arrays(columns, names=table.column_names).to_pandas()
    for i, column in enumerate(columns):
        if column.null_count and column.type in _NULLABLE:  # Arrow would give object (bool) or float64 (int)
            frame.isetitem(i, column.to_pandas(types_mapper=_NULLABLE.get))
    return frame
