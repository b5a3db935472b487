"""Commands about the data itself: validate, demo, contract."""
from __future__ import annotations

from pathlib import Path

from chs_core.cli.common import add_data_options, data_source, ensure_demo
from chs_core.contract import contract_markdown
from chs_core.errors import DataError
from chs_core.pipeline import check_source
from chs_core.settings import DEMO_DATABASE


def register(sub) -> dict:
    p = sub.add_parser("validate", help="check a data source against the contract and list every problem")
    add_data_options(p, model=False, as_of=False)
    p = sub.add_parser("demo", help="(re)build the demo database")
    p.add_argument("--out", type=Path, default=DEMO_DATABASE)
    p.add_argument("--seed", type=int, default=None)
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


def cmd_demo(args) -> int:
    from chs_core.demo.build import DEMO_SEED, build_demo_database

    path = build_demo_database(args.out, seed=DEMO_SEED if args.seed is None else args.seed)
    print(f"Wrote the demo database to {path}")
    return 0


def cmd_contract(args) -> int:
    print(contract_markdown())
    return 0
