"""Finished backtest reports, kept in the results store and given back when nothing they depend on changed.

A backtest of 100,000 accounts judges 1.5M scores with dozens of bootstrap intervals (about 40 s); asked again for
the same data and model (another format, a second look, a script, or after `refresh` judged it), it is read back
in a moment. The key holds everything the report depends on: the data key of every as-of date (store.fingerprint:
it changes when any row up to that date changes), the model key, the judging options, every setting in force and
the text of the code that judges.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date

from chs_core.metrics.catalog import SignalSettings
from chs_core.model import Model
from chs_core.settings import settings_in_force
from chs_core.sources import Dataset
from chs_core.store.fingerprint import code_digest, model_key, signals_key
from chs_core.store.results import ResultsStore

_CODE = ("outcomes/*.py", "metrics/catalog.py", "settings.py")  # what turns scores into the report


def backtest_key(store: ResultsStore, ds: Dataset, dates: Sequence[date], model: Model, **options) -> str:
    """The key of a backtest of `model` over `dates` of the opened source, with these judging options."""
    keys = store.keys(ds, ds.source_key)
    settings = settings_in_force()
    text = json.dumps([[keys.key_at(d) for d in dates], model_key(model), options, settings, code_digest(_CODE)],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def kept_backtest(store: ResultsStore, key: str) -> dict | None:
    """The report kept under the key ({"json": ..., "text": ...}), or None."""
    body = store.kept("backtest", key)
    return None if body is None else json.loads(body)


def keep_backtest(store: ResultsStore, key: str, report: dict) -> None:
    store.keep("backtest", key, json.dumps(report))


class KeptParts:
    """The parts of a backtest that depend on the data and the judging options but not on the model's weights, tiers
    or flags: each metric's check (given its direction and bands) and the two baselines' own figures. Kept under a
    key without the model, so a draft that reweights reads them back and judges only its own scores (at 100,000
    accounts: the 21 metric checks and the learned baseline's fit are most of the work). fresh: read nothing back."""

    KIND = "backtest_part"

    def __init__(self, store: ResultsStore, key: str, fresh: bool = False):
        self.store, self.key, self.fresh = store, key, fresh

    def _key(self, name: str) -> str:
        return hashlib.sha256(f"{self.key}/{name}".encode()).hexdigest()

    def get(self, names: Sequence[str]) -> dict[str, dict]:
        """name -> the part kept under it (only those kept)."""
        if self.fresh or not names:
            return {}
        keyed = {self._key(n): n for n in names}
        return {keyed[k]: json.loads(body) for k, body in self.store.kept_many(self.KIND, list(keyed)).items()}

    def put(self, parts: dict[str, dict]) -> None:
        self.store.keep_many(self.KIND, {self._key(n): json.dumps(v) for n, v in parts.items()})


def backtest_parts(store: ResultsStore, ds: Dataset, dates: Sequence[date], signals: SignalSettings,
                   fresh: bool = False, **options) -> KeptParts:
    """KeptParts of backtests over `dates` of the opened source with metrics read under `signals`: the key of
    backtest_key without the model (its signal settings stay: they decide the metrics)."""
    keys = store.keys(ds, ds.source_key)
    text = json.dumps([[keys.key_at(d) for d in dates], signals_key(signals), options, settings_in_force(),
                       code_digest(_CODE)], sort_keys=True, default=str)
    return KeptParts(store, hashlib.sha256(text.encode()).hexdigest(), fresh)
