"""Other engines for the metric SQL: the same statement transpiled with sqlglot to Spark SQL (local, cluster, Databricks)."""
from chs_core.engines.spark import SPARK_TYPES, register_tables, spark_metric_sql, spark_metrics

__all__ = ["SPARK_TYPES", "register_tables", "spark_metric_sql", "spark_metrics"]
