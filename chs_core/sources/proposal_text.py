"""A mapping proposal as chs.yaml text, with every guess visible and the codes it could not map as comments."""
from __future__ import annotations

import json
from pathlib import Path

from chs_core.contract import TABLES_BY_NAME
from chs_core.sources.propose import TableProposal

# Subscriptions only: the rule monthly ARR is derived by, written out so a person sees and can change it.
RULE_LINES = ("    end_date: exclusive   # end_date is the first day no longer paid; inclusive: the last day paid",
              "    mrr_to_arr: 12        # ARR = arr, else mrr x 12")


def _q(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _column_line(column: str, source: str, values: dict[str, str]) -> str:
    if not values:
        return f"      {column}: {_q(source)}"
    pairs = ", ".join(f"{_q(k)}: {_q(v)}" for k, v in values.items())
    return f"      {column}: {{from: {_q(source)}, values: {{{pairs}}}}}"


def _left_out(p: TableProposal, lines: list[str]) -> list[str]:
    """An optional table the file cannot fill: written as comments, so the proposal loads (without it) as it is."""
    return ([f"  # {p.table}: {p.file} has no column for {', '.join(p.missing)}, so it is left out; to use it, name "
             "those columns and remove the '# ' in front of these lines"] + ["  # " + line[2:] for line in lines
                                                                            if "# MISSING" not in line])


def table_lines(p: TableProposal) -> list[str]:
    lines = [f"  {p.table}:", f"    file: {_q(p.file)}", "    columns:"]
    if p.csv:  # how the file is written (read from its bytes and values): see docs/own_data.md, CSV options
        options = ", ".join(f"{k}: {_q(v) if isinstance(v, str) else str(v).lower()}" for k, v in p.csv.items())
        lines.insert(2, f"    csv: {{{options}}}")
    for column, source in p.columns.items():
        lines.append(_column_line(column, source, p.values.get(column, {})))
        odd = p.unmapped.get(column)
        if odd:
            listed = ", ".join(f"{_q(v)} ({n:,} rows)" for v, n in odd[:10])
            lines.append(f"      # {column}: no code for {listed}; add them to values above")
    if not p.columns:
        lines[-1] = "    columns: {}"
    for column in p.missing:
        lines.append(f"    # MISSING required column {column}: name the file column above ({column}: NAME), "
                     f"or give a constant ({column}: {{value: ...}})")
    if p.table == "subscriptions":
        lines += RULE_LINES
    if p.missing and not TABLES_BY_NAME[p.table].required:
        return _left_out(p, lines)
    return lines


def proposal_yaml(folder: Path, proposals: list[TableProposal], skipped: list[str]) -> str:
    lines = [f"# chs.yaml proposed by `python -m chs_core init-mapping` from the files in {folder}.",
             "# Check every line, then run: python -m chs_core validate --data " + _q(str(folder)),
             "# Reference: docs/own_data.md (renames, value maps, date formats, time zone, subscriptions).",
             "tables:"]
    for proposal in proposals:
        lines += table_lines(proposal)
    if not proposals:
        lines[-1] = "tables: {}  # no file looked like a contract table"
    for name in skipped:
        lines.append(f"# {name}: not mapped (no table fits it, or another file already holds that table)")
    return "\n".join(lines) + "\n"
