"""Train on earlier as-of dates, test on later ones, with a gap of the horizon in between.

A row as of T is labelled with what happened in (T, T+h]. Training rows must have their whole outcome
window before the first test date T0, so they are the dates with month(T) <= month(T0) - h: nothing the
test judges has been seen while fitting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TimeSplit:
    train_dates: tuple[np.datetime64, ...]
    test_dates: tuple[np.datetime64, ...]
    gap_months: int

    @property
    def usable(self) -> bool:
        return bool(self.train_dates) and bool(self.test_dates)

    def masks(self, as_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Boolean train and test masks over rows with these as-of dates."""
        a = np.asarray(as_of, dtype="datetime64[D]")
        train = np.isin(a, np.array(self.train_dates, dtype="datetime64[D]"))
        test = np.isin(a, np.array(self.test_dates, dtype="datetime64[D]"))
        return train, test


def _month(d: np.datetime64) -> int:
    return int(np.datetime64(d, "M").astype(int))


def time_split(as_of_dates, test_dates: int, gap_months: int) -> TimeSplit:
    """The last `test_dates` distinct as-of dates (at most half of them) for testing; training dates at
    least `gap_months` months before the first test date."""
    dates = sorted(set(np.asarray(as_of_dates, dtype="datetime64[D]").tolist()))
    dates = [np.datetime64(d, "D") for d in dates]
    k = min(test_dates, len(dates) // 2)
    if k < 1:
        return TimeSplit((), tuple(dates), gap_months)
    test = dates[-k:]
    first = _month(test[0])
    train = [d for d in dates if _month(d) <= first - gap_months]
    return TimeSplit(tuple(train), tuple(test), gap_months)
