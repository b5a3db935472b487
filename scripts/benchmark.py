"""Time the product on one data source and print a Markdown table (figures go to docs/benchmarks.md).

Usage: python scripts/benchmark.py [--data data/demo.duckdb | --accounts N] [--repeat 3] [--only core apptest scale ...]
Each section is a module in scripts/benchmarks/ with run(ctx) -> rows. Figures are the median of
--repeat runs in seconds on a warm file cache; a "floor" is the same work done the plainest way, in the same run.
"""
from __future__ import annotations

import argparse
import importlib
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.benchmarks.common import Context, Row  # noqa: E402

# add a module name here when you add a section
SECTIONS = ("core", "apptest", "browser", "cohorts_loop", "tuning", "scale", "scale_app", "scale_pages", "account",
            "owndata")


def _table(rows: list[Row]) -> str:
    lines = ["| stage | seconds | floor | ratio |", "|---|---|---|---|"]
    for r in rows:
        floor = "" if r.floor_seconds is None else f"{r.floor_seconds:.3f}"
        ratio = "" if r.ratio is None else f"{r.ratio:.1f}x"
        lines.append(f"| {r.stage}{' (' + r.note + ')' if r.note else ''} | {r.seconds:.3f} | {floor} | {ratio} |")
    return "\n".join(lines)


def _demo_of(accounts: int, usage_share: float) -> Path:
    """A demo database with `accounts` accounts under /tmp/chs-bench (built on first use; never in the repo)."""
    suffix = "" if usage_share >= 1 else f"_usage{round(usage_share * 100)}"
    path = Path("/tmp/chs-bench") / f"demo_{accounts}{suffix}.duckdb"
    if not path.exists():
        from chs_core.demo.build import build_demo_database

        print(f"Building {path} ({accounts:,} accounts)…", file=sys.stderr)
        build_demo_database(path, n_accounts=accounts, usage_share=usage_share)
    else:
        from chs_core.demo.stamp import rebuild_reason

        if reason := rebuild_reason(path):  # kept: a 100k build takes minutes; delete the file to rebuild
            print(f"Note: {path} is from an older demo generator ({reason}); delete it to measure a fresh build.",
                  file=sys.stderr)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO / "data" / "demo.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=list(SECTIONS), choices=SECTIONS)
    parser.add_argument("--accounts", type=int, default=None,
                        help="build (once, under /tmp/chs-bench) and measure a demo with this many accounts")
    parser.add_argument("--usage-share", type=float, default=None,
                        help="with --accounts: the demo's usage_share (default: 0.1 at 100,000 accounts or more, "
                             "the scale target's ~50M usage events; 1, every user, below)")
    args = parser.parse_args()
    if args.accounts:
        from chs_core.demo.build import USAGE_SHARE_50M

        share = args.usage_share or (USAGE_SHARE_50M if args.accounts >= 100_000 else 1.0)
        args.data = _demo_of(args.accounts, share)
    else:  # the bundled demo is built on first use, and again when the generator changed (as the app and CLI do)
        from chs_core.demo.refresh import ensure_demo

        ensure_demo(args.data, say=lambda message: print(message, file=sys.stderr))
    ctx = Context(args.data, args.repeat)
    print(f"Data: {args.data}. Python {platform.python_version()}, {platform.machine()}, median of {args.repeat} runs.\n")
    for name in args.only:
        rows = importlib.import_module(f"scripts.benchmarks.{name}").run(ctx)
        print(f"### {name}\n\n{_table(rows)}\n")


if __name__ == "__main__":
    main()
