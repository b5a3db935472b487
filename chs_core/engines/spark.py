"""The metric SQL on Apache Spark: chs_core/metrics/sql transpiled from DuckDB to Spark SQL with sqlglot.

The statement is the one compute_metrics runs, with its bound values written in as quoted literals
(Spark SQL has no list parameters) and the few DuckDB functions Spark spells differently rewritten on
the syntax tree: month differences, whole-year shifts, lengths of lists, interval seconds, the range
table's column and CTE materialisation hints. Values equal DuckDB's (tests/unit/test_spark.py).

pyspark is imported by the caller; this module only needs a SparkSession-like object with `sql()`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd
import sqlglot
from sqlglot import exp

from chs_core.contract import TABLES
from chs_core.metrics.catalog import SignalSettings
from chs_core.metrics.compute import _PARAM, OUTPUT_COLUMNS, _bounds, _params, _query
from chs_core.sources.sql import quote_literal

SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "TIMESTAMP": "timestamp", "DOUBLE": "double",
               "BIGINT": "bigint", "BOOLEAN": "boolean"}

# DuckDB's date_sub('month', a, b): whole months from a to b, where an end on its month's last day completes it.
_MONTHS = ("((year({b}) - year({a})) * 12 + month({b}) - month({a}) "
           "- CASE WHEN day({b}) < day({a}) AND {b} <> last_day({b}) THEN 1 ELSE 0 END)")


def _literal(value: object) -> str:
    """A DuckDB literal for a bound value (names and values from settings are quoted, never pasted)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return f"DATE {quote_literal(value.isoformat())}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, date) for v in value):
            return f"CAST([{', '.join(_literal(v) for v in value)}] AS DATE[])"
        return f"CAST([{', '.join(quote_literal(str(v)) for v in value)}] AS VARCHAR[])"
    raise TypeError(f"no literal for {value!r}")


def _rewrite(node: exp.Expression) -> exp.Expression:
    """DuckDB functions that sqlglot leaves as they are, in Spark's words."""
    if isinstance(node, exp.CTE):
        node.set("materialized", None)
    if isinstance(node, exp.Literal) and not node.is_string and "." in node.this:
        # 90.0 is a DECIMAL in Spark (DuckDB computes with doubles): keep the arithmetic in doubles.
        return exp.cast(node.copy(), "double")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "date_sub" and len(node.expressions) == 3:
        _, a, b = node.expressions
        return sqlglot.parse_one(_MONTHS.format(a=a.sql("spark"), b=b.sql("spark")), read="spark")
    if isinstance(node, exp.Sub) and isinstance(node.expression, exp.Anonymous) and node.expression.name.lower() == "to_years":
        years = node.expression.expressions[0].sql("spark")
        return sqlglot.parse_one(f"add_months({node.this.sql('spark')}, -12 * ({years}))", read="spark")
    if isinstance(node, exp.Length) and isinstance(node.this, exp.ArrayFilter):
        return exp.ArraySize(this=node.this)
    if isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):  # DuckDB epoch(interval): seconds
        diff = node.this
        return sqlglot.parse_one(f"((unix_micros({diff.this.sql('spark')}) - unix_micros({diff.expression.sql('spark')}))"
                                 " / CAST(1000000 AS DOUBLE))", read="spark")
    if isinstance(node, exp.Column) and node.name == "range" and not node.table:  # range(0, n) becomes explode(...)
        return exp.column("col")
    return node


def spark_metric_sql(as_of_dates: Sequence[date], present: Iterable[str], columns: Mapping[str, Iterable[str]],
                     settings: SignalSettings = SignalSettings()) -> str:
    """The Spark SQL text of compute_metrics for these dates, over views named after the contract tables.

    present / columns: the tables and columns that were supplied (missing ones give NULL metrics, as in DuckDB).
    """
    dates = sorted({pd.Timestamp(d).date() for d in as_of_dates})

    class _Supplied:  # what _params reads from a Dataset
        def __init__(self):
            self.present = frozenset(present)
            self.columns = {t: frozenset(c) for t, c in columns.items()}

    params = _params(_Supplied(), settings)
    params["as_of_dates"] = dates
    params.update(_bounds(dates or [date(1970, 1, 1)]))
    duck = _PARAM.sub(lambda m: _literal(params[m.group(1)]), _query(scoped=False))
    tree = sqlglot.parse_one(duck, read="duckdb").transform(_rewrite)
    return tree.sql(dialect="spark")


def register_tables(spark, frames: Mapping[str, pd.DataFrame]) -> None:
    """Each contract table as a Spark temp view with its contract types (absent tables: empty views)."""
    for table in TABLES:
        schema = ", ".join(f"`{c.name}` {SPARK_TYPES[c.type]}" for c in table.columns)
        frame = frames.get(table.name)
        if frame is None:
            frame = pd.DataFrame({c.name: pd.Series(dtype=object) for c in table.columns})
        rows = pd.DataFrame({c.name: _python_values(frame[c.name], c.type) for c in table.columns})
        spark.createDataFrame(rows.values.tolist(), schema).createOrReplaceTempView(table.name)


def _python_values(values: pd.Series, kind: str) -> pd.Series:
    """Plain Python values Spark accepts for the contract type (None for missing)."""
    if kind == "DATE":
        values = pd.to_datetime(values).dt.date
    elif kind == "TIMESTAMP":
        values = pd.Series(pd.to_datetime(values).dt.to_pydatetime(), index=values.index, dtype=object)
    return values.astype(object).where(values.notna(), None)


def spark_metrics(spark, as_of_dates: Sequence[date], present: Iterable[str], columns: Mapping[str, Iterable[str]],
                  settings: SignalSettings = SignalSettings()) -> pd.DataFrame:
    """compute_metrics on Spark over the registered views; the same columns and dtypes as the DuckDB result."""
    frame = spark.sql(spark_metric_sql(as_of_dates, present, columns, settings)).toPandas()
    frame = frame[list(OUTPUT_COLUMNS)]
    for col in ("as_of", "ref_month"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    for col in OUTPUT_COLUMNS[3:]:
        frame[col] = frame[col].astype("float64")
    frame["account_id"] = frame["account_id"].astype("str")
    return frame.reset_index(drop=True)
