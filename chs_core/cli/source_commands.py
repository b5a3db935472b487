"""Commands about where data comes from: init-mapping (propose a chs.yaml from the files in a folder)."""
from __future__ import annotations

import sys
from pathlib import Path

from chs_core.cli.common import UsageError
from chs_core.sources.mapping import MAPPING_FILE, load_mapping
from chs_core.sources.proposal_text import proposal_yaml
from chs_core.sources.propose import propose


def register(sub) -> dict:
    p = sub.add_parser("init-mapping", help="propose a chs.yaml mapping from the files in a folder, for you to edit")
    p.add_argument("folder", type=Path, help="folder with your export files (CSV or Parquet)")
    p.add_argument("--output", "-o", type=Path, default=None,
                   help=f"file to write (default: standard output; '-o FOLDER/{MAPPING_FILE}' to use it at once)")
    p.add_argument("--force", action="store_true", help="overwrite an existing mapping file")
    return {"init-mapping": cmd_init_mapping}


def cmd_init_mapping(args) -> int:
    if not args.folder.is_dir():
        raise UsageError(f"{args.folder} is not a folder; pass the folder that holds your export files")
    proposals, skipped = propose(args.folder)
    text = proposal_yaml(args.folder, proposals, skipped)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    if args.output.exists() and not args.force:
        raise UsageError(f"{args.output} exists; pass --force to overwrite it, or -o another file")
    if not args.output.parent.is_dir():
        raise UsageError(f"{args.output.parent} is not a folder; create it or pass -o into an existing folder")
    args.output.write_text(text, encoding="utf-8")
    load_mapping(args.output)  # the proposal must read back as a valid mapping
    if not proposals:
        print(f"Wrote {args.output}, but no file in {args.folder} looks like a contract table (accounts, "
              "subscriptions or arr_monthly, tickets, ...): name the files and columns in it by hand "
              "(docs/own_data.md)", file=sys.stderr)
        return 0
    tables = ", ".join(f"{p.table} <- {p.file}" for p in proposals)
    used_there = args.output.resolve() == (args.folder / MAPPING_FILE).resolve()
    mapping = "" if used_there else f" --mapping {args.output}"  # elsewhere it is read only when named
    print(f"Wrote {args.output} ({tables}). Check it, then: python -m chs_core validate --data {args.folder}"
          f"{mapping}", file=sys.stderr)
    return 0
