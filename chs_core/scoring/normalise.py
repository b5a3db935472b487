"""Map raw metric values to 0-100 scores, vectorised over a numpy array (NaN stays NaN)."""
from __future__ import annotations

import numpy as np

from chs_core.model.schema import Normalisation


def normalise(values: np.ndarray, norm: Normalisation) -> np.ndarray:
    """0-100 score per value under `norm`; NaN in, NaN out.

    higher_better / lower_better: (x - bad) / (good - bad) * 100, clamped to 0-100 (the same
    formula serves both, because good < bad for lower_better).
    band: 100 inside [band_low, band_high], linear to 0 at bad_below and at bad_above.
    """
    x = np.asarray(values, dtype=float)
    if norm.direction == "band":
        below = (x - norm.bad_below) / (norm.band_low - norm.bad_below)
        above = (norm.bad_above - x) / (norm.bad_above - norm.band_high)
        inside = np.where(np.isnan(x), np.nan, 1.0)  # NaN compares False both ways: keep it missing
        frac = np.where(x < norm.band_low, below, np.where(x > norm.band_high, above, inside))
    else:
        frac = (x - norm.bad) / (norm.good - norm.bad)
    # np.clip keeps NaN, so missing values stay missing.
    return np.clip(frac * 100.0, 0.0, 100.0)
