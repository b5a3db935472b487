"""Propose a mapping file from the files in a folder: the table each holds, the closest columns, the value maps.

`python -m chs_core init-mapping FOLDER` writes this proposal for a person to check and edit: every guess is
visible in the text, and the codes it could not map are listed as comments with their counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chs_core.contract import ACTIVITY_OUTCOMES, ACTIVITY_TYPES, CONTACT_ROLES, PRIORITIES, SEGMENTS, SUBSCRIPTION_STATUSES, TABLES_BY_NAME
from chs_core.sources import sql
from chs_core.sources.csv_layout import DECIMAL_COMMA_NUMBER, CsvOptions
from chs_core.sources.files import not_a_regular_file, wrong_kind
from chs_core.sources.folder import FILE_SUFFIXES, NUMBER_TYPES, read_relation
from chs_core.sources.guess import assign_tables, closest_column
from chs_core.sources.views import connect

CODES = {"segment": SEGMENTS, "priority": PRIORITIES, "role": CONTACT_ROLES, "respondent_role": CONTACT_ROLES,
         "activity_type": ACTIVITY_TYPES, "outcome": ACTIVITY_OUTCOMES, "status": SUBSCRIPTION_STATUSES}
# Spellings seen in exports, lower-case, for each code.
KNOWN_SPELLINGS = {
    "P0": ("urgent", "critical", "p0", "blocker", "sev1", "highest"), "P1": ("high", "p1", "sev2"),
    "P2": ("medium", "normal", "p2", "sev3"), "P3": ("low", "p3", "sev4", "lowest", "question"),
    "SMB": ("smb", "small", "basic", "starter", "small business"), "Mid-Market": ("mid-market", "mid market", "midmarket", "pro", "mm"),
    "Enterprise": ("enterprise", "ent", "large"),
    "executive_sponsor": ("executive sponsor", "exec sponsor", "sponsor", "ceo", "cfo", "cto", "vp", "executive"),
    "decision_maker": ("decision maker", "buyer", "economic buyer"), "champion": ("champion",),
    "admin": ("admin", "administrator"), "end_user": ("end user", "user", "member"),
    "qbr": ("qbr", "business review", "quarterly business review"), "renewal_meeting": ("renewal meeting", "renewal"),
    "active": ("active", "live"), "past_due": ("past_due", "past due", "unpaid"),
    "cancelled": ("canceled", "cancelled", "churned", "ended"), "trial": ("trialing", "trial", "incomplete",
                                                                             "incomplete_expired"),
    "paused": ("paused",),
}
MAX_CODES = 30
TRIED_OPTIONS = (CsvOptions(), CsvOptions(encoding="cp1252"))
GROUPED = re.compile(r"^\s*[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+\s*$")  # 1.234,5: surely a decimal comma
THOUSANDS = re.compile(r"^\s*[+-]?[0-9]{1,3},[0-9]{3}\s*$")  # 1,200: a thousands comma or 1.2, cannot tell
COMMA_THOUSANDS = re.compile(r"^\s*[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+\s*$")  # 1,234.5: commas group thousands


def writes_decimal_commas(values: list[str]) -> bool:
    """Values written 1.234,5 or 99,90; never when 1,200 could be a thousands comma or 1,234.5 says so."""
    telling = [v for v in values if DECIMAL_COMMA_NUMBER.match(v) and (GROUPED.match(v) or not THOUSANDS.match(v))]
    return bool(telling) and not any(COMMA_THOUSANDS.match(v) for v in values)


def known_code(value: str, allowed: tuple[str, ...]) -> str | None:
    low = value.strip().lower()
    for code in allowed:
        if low == code.lower() or low.replace(" ", "_") == code.lower() or low in KNOWN_SPELLINGS.get(code, ()):
            return code
    return None


@dataclass
class TableProposal:
    table: str
    file: str
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> file column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> {spelling: code}
    unmapped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # contract column -> (value, rows)
    missing: list[str] = field(default_factory=list)  # required contract columns with no file column
    csv: dict[str, object] = field(default_factory=dict)  # reader options the file needs (encoding, decimal_comma)


def _distinct_values(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> list[tuple[str, int]]:
    rows = con.execute(sql.value_counts_sql(relation, column, MAX_CODES)).fetchall()
    return [(str(v), int(n)) for v, n in rows if v is not None and str(v).strip()]


def propose_table(con: duckdb.DuckDBPyConnection, path: Path, table: str, relation: str,
                  file_columns: list[str]) -> TableProposal:
    proposal = TableProposal(table, path.name)
    taken: set[str] = set()
    for col in TABLES_BY_NAME[table].columns:
        found = closest_column(col.name, file_columns, taken)
        if found is None:
            if col.required:
                proposal.missing.append(col.name)
            continue
        taken.add(found)
        proposal.columns[col.name] = found
        if col.type in NUMBER_TYPES and writes_decimal_commas([v for v, _ in _distinct_values(con, relation, found)]):
            proposal.csv["decimal_comma"] = True
        if col.name in CODES:
            for value, rows in _distinct_values(con, relation, found):
                code = known_code(value, CODES[col.name])
                if code is None:
                    proposal.unmapped.setdefault(col.name, []).append((value, rows))
                elif code != value:
                    proposal.values.setdefault(col.name, {})[value] = code
    return proposal


def propose(folder: Path) -> tuple[list[TableProposal], list[str]]:
    """A proposal per data file in `folder` whose table can be told; and the files that fit no table."""
    con = connect()
    readable: dict[Path, tuple[str, list[str]]] = {}
    encodings: dict[Path, str] = {}
    skipped = []
    try:
        for path in sorted(folder.iterdir()):
            if not path.name.lower().endswith(FILE_SUFFIXES) or not_a_regular_file(path) or wrong_kind(path):
                continue
            for options in TRIED_OPTIONS:  # UTF-8, else Windows text as Excel writes it
                try:
                    relation = read_relation(path, options, con=con)
                    readable[path] = (relation, [r[0] for r in con.execute(sql.describe_sql(relation)).fetchall()])
                    encodings[path] = options.encoding
                    break
                except UnicodeDecodeError:
                    continue
                except (ValueError, duckdb.Error):
                    break
            if path not in readable:
                skipped.append(path.name)
        tables = assign_tables({path: columns for path, (_, columns) in readable.items()})
        proposals = [propose_table(con, path, tables[path], *readable[path]) for path in readable if path in tables]
    finally:
        con.close()
    for proposal in proposals:
        if encodings[folder / proposal.file] != "utf-8":
            proposal.csv = {"encoding": encodings[folder / proposal.file], **proposal.csv}
    return proposals, skipped + [path.name for path in readable if path not in tables]
