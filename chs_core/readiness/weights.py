"""How much of the model's weight the supplied tables can fill, and what adding each missing table would give.

Coverage here is the model's own rule (scoring.score): each component's weight share times the share of its
metric weight with data. It is computed for the base model (segment overrides shift it a little) from which
tables and columns are present, so it is the best coverage any account can reach.
"""
from __future__ import annotations

from dataclasses import dataclass

from chs_core.metrics.catalog import METRICS
from chs_core.model import Model

SOURCE = {m.name: m.source for m in METRICS}
# Metrics that need a particular column, or a second table, besides their source table.
NEEDS = {"seat_trend": (("arr_monthly", "seats"),), "days_to_renewal": (("accounts", "renewal_date"),),
         "exec_sponsor_active": (("contacts", "user_id"), ("usage_events", None))}


@dataclass(frozen=True)
class Readiness:
    best_coverage: float  # the most of the model's weight an account can have data for
    min_coverage: float
    by_table: dict[str, float]  # missing table -> best coverage once it is added
    metrics_without_data: tuple[str, ...]

    @property
    def can_score(self) -> bool:
        return self.best_coverage >= self.min_coverage

    def advice(self) -> str:
        """A plain sentence: whether accounts can be scored, and what to add."""
        have = f"the data covers at most {self.best_coverage:.0%} of the model's weight"
        if not self.by_table:
            return f"Every table the model uses is supplied; {have}."
        table, reach = max(self.by_table.items(), key=lambda kv: kv[1])
        add = f"add {table} to score {reach:.0%} of the model's weight"
        if self.can_score:
            return f"Accounts can be scored: {have} (min_coverage {self.min_coverage:.0%}). To see more, {add}."
        return (f"No account can be scored: {have}, below min_coverage {self.min_coverage:.0%}. "
                f"To score accounts, {add}, or use a model for the data you have (models/billing_only.yaml).")


def _available(metric: str, columns: dict[str, frozenset[str]]) -> bool:
    if SOURCE.get(metric) not in columns:
        return False
    return all(t in columns and (c is None or c in columns[t]) for t, c in NEEDS.get(metric, ()))


def coverage_with(model: Model, columns: dict[str, frozenset[str]]) -> float:
    total = sum(c.weight for c in model.components)
    share = 0.0
    for comp in model.components:
        weight = sum(m.weight for m in comp.metrics)
        have = sum(m.weight for m in comp.metrics if _available(m.name, columns))
        share += comp.weight / total * (have / weight if weight else 0.0)
    return share


def readiness(model: Model, columns: dict[str, frozenset[str]]) -> Readiness:
    """`columns`: supplied (or derived) table -> its columns (Dataset.columns)."""
    columns = dict(columns)
    best = coverage_with(model, columns)
    used = {SOURCE[m] for m in model.metric_names() if m in SOURCE}
    by_table = {}
    for table in sorted(used - set(columns)):
        gained = coverage_with(model, {**columns, table: frozenset(_all_columns(table))})
        if gained > best:
            by_table[table] = gained
    missing = tuple(m for m in model.metric_names() if not _available(m, columns))
    return Readiness(best, model.min_coverage, by_table, missing)


def _all_columns(table: str) -> tuple[str, ...]:
    from chs_core.contract import TABLES_BY_NAME

    return TABLES_BY_NAME[table].column_names
