"""The parts of a backtest that do not depend on the model's weights, tiers or flags, named and kept as JSON.

A metric's check reads the metric's raw values, its direction and bands, and the labels; the baselines read the
metrics, the labels and days to renewal (only their comparison with the configured score reads the model). Kept
in the results store (store.reports.KeptParts) under a key of the data, the signal settings and the judging
options, they let a reweighted draft be judged in a few seconds at 100,000 accounts. Each name carries what the
part depends on beyond that key, so a changed direction or band judges that metric again.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Protocol

from chs_core.outcomes.baselines import Baseline
from chs_core.outcomes.diagnostics import SignalCheck

_CONFIGURED = ("configured_auc", "configured_lift_top_decile")  # the model's own figures: never kept
_TUPLES = ("auc_ci", "train_dates", "test_dates")


class Parts(Protocol):
    """Where kept parts are read and written (store.reports.KeptParts)."""

    def get(self, names: Sequence[str]) -> dict[str, dict]: ...

    def put(self, parts: dict[str, dict]) -> None: ...


def metric_part(metric, samples: int) -> str:
    """The name of a metric's check: its name, direction and bands, and the bootstrap replicates."""
    return f"metric/{metric.name}/{json.dumps(asdict(metric.norm), sort_keys=True, default=str)}/{samples}"


def renewal_part(samples: int) -> str:
    return f"renewal_timing/{samples}"


def learned_part(samples: int, test_dates: int) -> str:
    return f"learned/{samples}/{test_dates}"


def _tupled(d: dict) -> dict:
    return {k: tuple(v) if k in _TUPLES and v is not None else v for k, v in d.items()}


def check_to_part(check: SignalCheck) -> dict:
    d = asdict(check)
    d.pop("component")  # the model's grouping: set again when read back
    return d


def check_from_part(part: dict, component: str) -> SignalCheck:
    return SignalCheck(**_tupled(part), component=component)


def baseline_to_part(baseline: Baseline) -> dict:
    return {k: v for k, v in asdict(baseline).items() if k not in _CONFIGURED}


def baseline_from_part(part: dict) -> Baseline:
    """The kept figures; the configured score's own are filled in by the caller (baselines.*_again)."""
    return Baseline(**_tupled(part), configured_auc=None, configured_lift_top_decile=None)
