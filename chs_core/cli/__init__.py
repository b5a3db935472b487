"""Command line: `python -m chs_core <command>`; one module per group of commands, each registering its own.

Every command that reads data validates it first and exits 2 with the list of
problems (table, column, fix) instead of printing a traceback.
"""
from __future__ import annotations

import argparse
import sys

from chs_core.cli import account_commands, cohort_commands, data_commands, model_commands, score_commands, source_commands, store_commands
from chs_core.cli.common import UsageError
from chs_core.errors import DataError, ModelError
from chs_core.sources.redact import redact

# Each module has register(subparsers) -> {command name: run(args) -> exit code}.
COMMAND_MODULES = (data_commands, score_commands, cohort_commands, model_commands, account_commands, source_commands,
                   store_commands)


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(prog="python -m chs_core", description="Customer Health Score core.")
    sub = parser.add_subparsers(dest="command", required=True)
    commands: dict = {}
    for module in COMMAND_MODULES:
        commands.update(module.register(sub))
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    parser, commands = _parser()
    args = parser.parse_args(argv)
    try:
        return commands[args.command](args)
    except DataError as exc:
        print(f"The data in {redact(str(getattr(args, 'data', '')))} cannot be used:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except (ModelError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. an output file that cannot be written
        if exc.errno is None:  # a message of ours (the results store's folder): it names what to change
            print(f"error: {exc}", file=sys.stderr)
            return 2
        where = exc.filename or getattr(args, "output", None) or getattr(args, "out", None) or "output"
        print(f"error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
