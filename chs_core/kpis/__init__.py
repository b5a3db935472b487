"""KPIs: reporting periods, retention (GRR, NRR, logo, expansion, bridge), cohorts, health KPIs, benchmarks, the executive summary."""
from chs_core.kpis.benchmarks import BENCHMARKS, benchmark_verdict, judge, quality_targets, small_sample
from chs_core.kpis.bridge_health import flagged_share, movement_health
from chs_core.kpis.cohorts import CohortTable, cohort_table
from chs_core.kpis.executive import DEFINITIONS, ExecutiveSummary, executive_summary, health_history, scores_on
from chs_core.kpis.health import HealthKpis, breakdown, health_kpis
from chs_core.kpis.periods import Period, arr_frame, last_complete_month, month_end, month_start, resolve_period
from chs_core.kpis.retention import BRIDGE_STEPS, RetentionKpis, arr_movements, retention_kpis, retention_trend

__all__ = ["BENCHMARKS", "BRIDGE_STEPS", "CohortTable", "DEFINITIONS", "ExecutiveSummary", "HealthKpis", "Period",
           "RetentionKpis", "arr_frame", "arr_movements", "benchmark_verdict", "breakdown", "cohort_table",
           "executive_summary", "flagged_share", "health_history", "health_kpis", "judge", "last_complete_month",
           "month_end", "month_start", "movement_health", "quality_targets", "resolve_period", "retention_kpis",
           "retention_trend", "scores_on", "small_sample"]
