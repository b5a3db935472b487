"""Random draws every demo table shares: a squashing curve, the paying account-months, a moment inside a month."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # only for type hints: world.py uses sigmoid from here
    from chs_core.demo.world import World


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def live_months(world: World) -> tuple[np.ndarray, np.ndarray]:
    """(account, month) index pairs of every paying account-month."""
    return np.nonzero(world.active)


def month_time(rng: np.random.Generator, world: World, t: np.ndarray, unit: str = "D") -> np.ndarray:
    """A random instant (unit D for a day, s for a second) inside each given window month."""
    start = world.month_starts[t].astype(f"datetime64[{unit}]")
    span = (world.month_starts[t + 1].astype(f"datetime64[{unit}]") - start).astype(np.int64)
    return start + np.floor(rng.random(len(t)) * span).astype(f"timedelta64[{unit}]")
