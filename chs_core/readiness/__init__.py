"""What the data can score: per table rows, date range and freshness; metric coverage over time; what to add."""
from chs_core.readiness.coverage import metric_coverage
from chs_core.readiness.freshness import DATE_COLUMNS, table_freshness
from chs_core.readiness.weights import Readiness, readiness

__all__ = ["DATE_COLUMNS", "Readiness", "metric_coverage", "readiness", "table_freshness"]
