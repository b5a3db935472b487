"""What every command shares: the --data/--model/--as-of options, opening checked data, the as-of date."""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from chs_core.model import Model, load_model
from chs_core.pipeline import CheckedSource, open_checked
from chs_core.settings import DEFAULT_MODEL, DEMO_DATABASE
from chs_core.sources import Dataset, Source, source_for


class UsageError(Exception):
    """A bad option value; the message says which and what to pass."""


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD") from None


def add_data_options(p: argparse.ArgumentParser, model: bool = True, as_of: bool = True) -> None:
    p.add_argument("--data", type=str, default=str(DEMO_DATABASE),
                   help="folder of CSV/Parquet files (read through its chs.yaml when it has one), a .duckdb file, "
                        "one CSV/Parquet file, or postgresql://user@host:port/db[?schema=name] "
                        "(default: the demo database, built on first use)")
    p.add_argument("--mapping", type=Path, default=None,
                   help="mapping file saying which file is which table and how columns map (default: chs.yaml "
                        "in the data folder, when there is one)")
    if model:
        p.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="model.yaml (default: the repo's)")
    if as_of:
        p.add_argument("--as-of", type=parse_date, default=None,
                       help="score as of this date, YYYY-MM-DD (default: the end of the last complete data month)")


def data_source(args) -> str | Source:
    """--data as given, or its Source read through --mapping."""
    return source_for(args.data, args.mapping) if getattr(args, "mapping", None) else args.data


def ensure_demo(path: str | Path) -> None:
    """The bundled demo database is built on first use, and again when the demo generator changed since."""
    from chs_core.demo.refresh import ensure_demo as refresh_demo

    refresh_demo(path, DEMO_DATABASE, say=lambda message: print(message, file=sys.stderr))


def open_data(args) -> tuple[Dataset, CheckedSource]:
    """Open and validate --data (exit 2 on errors, via DataError); warnings go to standard error."""
    ensure_demo(args.data)
    ds, checked = open_checked(data_source(args))
    for w in checked.warnings:
        print(w, file=sys.stderr)
    return ds, checked


def model_arg(args) -> Model:
    return load_model(args.model)


@contextlib.contextmanager
def opened_for_scoring(args) -> Iterator[tuple[Dataset, CheckedSource, Model, date]]:
    """What every scoring command starts with: --data opened and checked, --model loaded, the as-of date resolved
    (see as_of_arg); the data is closed on leaving, also when the model or the date is refused."""
    ds, checked = open_data(args)
    with ds:
        yield ds, checked, model_arg(args), as_of_arg(args, checked)


def _first_month(checked: CheckedSource) -> date | None:
    if checked.arr is None or checked.arr.empty:
        return None
    first = checked.arr["month"].min()
    return first.date() if hasattr(first, "date") else first


def as_of_arg(args, checked: CheckedSource) -> date:
    """--as-of, else the end of the last complete month; a date in a partial month is warned about."""
    check = checked.completeness
    if args.as_of is None:
        if checked.default_as_of is None:
            raise UsageError(f"{check.message} Add monthly ARR rows (account_id, month, arr) to arr_monthly")
        if check.partial:
            print(check.message, file=sys.stderr)
        return checked.default_as_of
    if args.as_of > date.today():
        raise UsageError(f"--as-of {args.as_of} is in the future; pass a date up to today")
    first = _first_month(checked)
    if first is not None and args.as_of < first:
        raise UsageError(f"--as-of {args.as_of} is before the data starts (the first ARR month is {first:%Y-%m}); "
                         f"pass a date from {first} on")
    if check.partial and args.as_of >= check.last_month:
        print(f"Warning: {check.message} --as-of {args.as_of} falls in that month.", file=sys.stderr)
    return args.as_of


def check_output(path: Path | None) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder; give a file name, e.g. {path / 'scores.csv'}")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}: the folder {path.parent} does not exist; create it first")


def json_text(obj: object) -> str:
    """Strict JSON: a NaN or infinite number (no value) is written null, never as bare NaN/Infinity."""
    return json.dumps(_finite(obj), indent=2, default=str, allow_nan=False)


def _finite(obj: object) -> object:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
