"""Errors that carry a message a user can act on: where the problem is, what it is, how to fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in the data: file or table, column (if any), what is wrong, how to fix it."""

    table: str
    column: str | None
    rows: int | None  # how many rows are affected, when countable
    message: str
    fix: str
    severity: str = "error"  # "error" stops scoring; "warning" is reported and scoring goes on

    def __str__(self) -> str:
        where = self.table + (f".{self.column}" if self.column else "")
        count = f" ({self.rows:,} rows)" if self.rows else ""
        return f"{self.severity.upper()} {where}: {self.message}{count}. Fix: {self.fix}"


class DataError(Exception):
    """Raised when a data source cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ModelError(Exception):
    """Raised when model.yaml is invalid; the message names the key and the closest valid one."""
