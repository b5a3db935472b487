"""What every benchmark section shares: timing, rows, the data and model under test."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Row:
    stage: str
    seconds: float
    floor_seconds: float | None = None  # the same work done the plainest way (numpy / hand-written SQL)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.floor_seconds else self.seconds / self.floor_seconds


@dataclass
class Context:
    data: Path
    repeat: int
    extra: dict = field(default_factory=dict)


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall-clock seconds of `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
