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

from chs_core.model import Model
from chs_core.settings import settings_in_force
from chs_core.sources import Dataset
from chs_core.store.fingerprint import code_digest, model_key
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
