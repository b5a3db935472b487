"""Commands about the data itself: validate, demo, contract."""
from __future__ import annotations

import argparse
from pathlib import Path

from chs_core.cli.common import UsageError, add_data_options, data_source, ensure_demo
from chs_core.contract import contract_markdown
from chs_core.errors import DataError
from chs_core.pipeline import check_source
from chs_core.settings import DEMO_DATABASE


def register(sub) -> dict:
    p = sub.add_parser("validate", help="check a data source against the contract and list every problem")
    add_data_options(p, model=False, as_of=False)
    p = sub.add_parser("demo", help="build the demo database (an existing file is kept unless --force)")
    p.add_argument("--out", type=Path, default=DEMO_DATABASE, help="database file to write (default: %(default)s)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's, 7)")
    p.add_argument("--accounts", type=_positive, default=2000, help="number of accounts (default: %(default)s)")
    p.add_argument("--usage-share", type=_share, default=1.0,
                   help="fraction of the users who are not contacts whose usage is recorded (default: all, 1); "
                        "0.1 with --accounts 100000 gives the scale benchmark's ~50M usage events")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    sub.add_parser("contract", help="print the data contract as Markdown")
    return {"validate": cmd_validate, "demo": cmd_demo, "contract": cmd_contract}


def cmd_validate(args) -> int:
    ensure_demo(args.data)
    checked = check_source(data_source(args))
    if not checked.opened:
        raise DataError(list(checked.problems))  # nothing could be opened at all
    for p in checked.problems:
        print(p)
    counts = ", ".join(f"{table} {rows:,}" for table, rows in checked.tables.items())
    print(f"{checked.label}: {len(checked.errors)} error(s), {len(checked.warnings)} warning(s). "
          f"Tables: {counts or 'none'}.")
    return 2 if checked.errors else 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of accounts, at least 1 (got {text!r})")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction above 0 and at most 1, such as 0.1 (got {text!r})")
    return value


def cmd_demo(args) -> int:
    from chs_core.demo.build import DEMO_SEED, build_demo_database

    try:
        path = build_demo_database(args.out, seed=DEMO_SEED if args.seed is None else args.seed,
                                   overwrite=args.force, n_accounts=args.accounts,
                                   usage_share=args.usage_share)
    except (FileExistsError, IsADirectoryError) as exc:
        raise UsageError(str(exc)) from None
    print(f"Wrote the demo database ({args.accounts:,} accounts) to {path}")
    return 0


def cmd_contract(args) -> int:
    print(contract_markdown())
    return 0
