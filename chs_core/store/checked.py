"""Validation of a large unchanged source, reused from the results store instead of scanned again.

Validation scans every table several times (each check is a query over the as-supplied values), and it runs
before every CLI command and every cold load of the app. A source of at least validation_cache_rows rows
that was already validated for the same day with the same checks and settings gets back the very problems it
had (the same messages, in the same order). The key is the source's Source.key (which changes when any of its
files is rewritten, as for the store's per-month digests), the day (validation.horizon: today, or only its year
once every past-only date in the data is behind it, since dates after today are errors), every setting in force
and the text of the code that decides what a problem is; anything else validates afresh.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date

from chs_core.errors import Problem
from chs_core.settings import setting, settings_in_force
from chs_core.sources import Dataset
from chs_core.store.fingerprint import code_digest
from chs_core.store.results import default_store
from chs_core.validation.checks import validate_dataset
from chs_core.validation.horizon import validation_day

# What decides which problems a source has: the checks, the contract, how values are read and spelled.
_CODE = ("validation/*.py", "contract.py", "errors.py", "sources/sql.py", "sources/codes.py", "sources/views.py")


def validation_key(source_key: str, day: str) -> str:
    """Changes with the source, the day (validation.horizon.validation_day), any setting in force, or the code."""
    settings = settings_in_force()
    text = json.dumps([source_key, day, settings, code_digest(_CODE)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def validated(ds: Dataset, today: date | None = None) -> list[Problem]:
    """validate_dataset(ds, today); for a large file source, the stored result of the same validation."""
    today = today or date.today()
    store = default_store() if ds.source_key else None
    if store is None or sum(ds.row_counts().values()) < setting("validation_cache_rows"):
        return validate_dataset(ds, today)
    key = validation_key(ds.source_key, validation_day(ds, today))
    stored = store.kept("validation", key)
    if stored is not None:
        return [Problem(**p) for p in json.loads(stored)]
    problems = validate_dataset(ds, today)
    store.keep("validation", key, json.dumps([asdict(p) for p in problems]))
    return problems
