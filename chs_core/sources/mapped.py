"""A folder (or one file) read through a mapping: files picked per table, columns renamed, values recoded.

Every mapped column is rebuilt as text from the file's column, so validation still sees what was supplied
(a value that fails its date format stays as written and is reported, never silently emptied).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chs_core.contract import INPUT_TABLES, TABLES_BY_NAME, Table
from chs_core.errors import DataError, Problem
from chs_core.sources import sql
from chs_core.sources.dataset import Dataset
from chs_core.sources.files import not_a_regular_file, wrong_kind
from chs_core.sources.fingerprint import files_fingerprint
from chs_core.sources.folder import FILE_SUFFIXES, NUMBER_TYPES, encoding_fix, find_table_file, read_relation
from chs_core.sources.mapping import ColumnMap, Mapping, TableMap
from chs_core.sources.views import connect, define_views

QUERIES = Path(__file__).with_name("queries")
OFFSET = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"  # an ISO time with a UTC offset
q, lit = sql.quote_identifier, sql.quote_literal


def _text(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def _number(expr: str) -> str:
    return f"TRY_CAST({expr} AS DOUBLE)"


def column_expr(spec: ColumnMap, source: str | None, kind: str, table: TableMap, mapping: Mapping,
                by_lower: dict[str, str]) -> str:
    """The SQL expression (text) giving a contract column from the file's column `source`."""
    if spec.constant is not None:
        return lit(spec.constant)
    expr = _text(q(source))
    if spec.values:
        cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in spec.values)
        expr = f"(CASE lower(trim({expr})) {cases} ELSE {expr} END)"
    factors = [repr(spec.multiply)] if spec.multiply is not None else []
    factors += [_number(_text(q(by_lower.get(t.lower(), t)))) for t in spec.times]
    if spec.per is not None:
        column, codes = spec.per
        cases = " ".join(f"WHEN {lit(k)} THEN {v!r}" for k, v in codes)
        factors.append(f"(CASE lower(trim({_text(q(by_lower.get(column.lower(), column)))})) {cases} END)")
    if factors:
        # A value that is not a number stays as written; a row with no factor (an interval the mapping does not
        # list, an empty quantity) becomes text saying so: validation reports both, never a wrong number.
        product = " * ".join([_number(expr), *factors])
        expr = (f"(CASE WHEN {_number(expr)} IS NULL THEN {expr} WHEN {product} IS NULL "
                f"THEN 'no factor for ' || {expr} ELSE {_text(product)} END)")
    return dated(expr, kind, spec.date_format or table.date_format or mapping.date_format,
                 table.time_zone or mapping.time_zone)


def dated(expr: str, kind: str, date_format: str | None, zone: str | None) -> str:
    """Dates and timestamps: parse a stated format, convert a time with an offset to the mapping's time zone."""
    if kind not in ("DATE", "TIMESTAMP"):
        return expr
    if date_format:
        parsed = f"strftime(try_strptime(trim({expr}), {lit(date_format)}), '%Y-%m-%d %H:%M:%S')"
        expr = f"(CASE WHEN trim({expr}) = '' THEN NULL ELSE COALESCE({parsed}, {expr}) END)"
    if zone:
        local = f"strftime(timezone({lit(zone)}, TRY_CAST({expr} AS TIMESTAMPTZ)), '%Y-%m-%d %H:%M:%S')"
        expr = f"(CASE WHEN regexp_matches(trim({expr}), {lit(OFFSET)}) THEN COALESCE({local}, {expr}) ELSE {expr} END)"
    return expr


def mapped_relation(table: Table, relation: str, file_columns: list[str], spec: TableMap, mapping: Mapping) -> str:
    """A relation with the contract columns the mapping (or the file, by name) gives, plus the file's other columns."""
    by_lower = {c.lower(): c for c in file_columns}
    parts, used = [], set()
    for col in table.columns:
        given = spec.columns.get(col.name)
        if given is None and col.name in by_lower:
            given = ColumnMap(source=col.name)
        if given is None:
            continue
        source = by_lower.get(given.source.lower()) if given.source else None
        if given.source and source is None:
            continue  # validation names the missing column; the mapping's name is shown by the Data page
        used.add(source)
        parts.append(f"{column_expr(given, source, col.type, spec, mapping, by_lower)} AS {q(col.name)}")
    contract = set(table.column_names)
    parts += [q(c) for c in file_columns if c not in used and c.lower() not in contract]
    template = (QUERIES / "mapped_table.sql").read_text()
    return "(" + template.format(columns=", ".join(parts) or "NULL AS no_column", relation=relation) + ") AS mapped"


def number_sources(table: Table, spec: TableMap) -> frozenset[str]:
    """Lower-case names of the file columns that feed the table's number columns (for csv decimal_comma)."""
    names = set()
    for col in table.columns:
        if col.type not in NUMBER_TYPES:
            continue
        given = spec.columns.get(col.name)
        names.add(col.name if given is None else (given.source or "").lower())
        names.update(t.lower() for t in (given.times if given else ()))
    return frozenset(names - {""})


@dataclass(frozen=True)
class MappedSource:
    """Files in `folder` mapped to contract tables by `mapping` (tables it does not name: the file named after them)."""

    folder: Path
    mapping: Mapping = field(default_factory=Mapping)
    mapping_file: Path | None = None
    label_text: str = ""
    only_named: bool = False  # read only the files the mapping names (a single file given as --data)

    @property
    def label(self) -> str:
        return self.label_text or str(self.folder)

    def files(self) -> dict[str, Path]:
        """Contract table -> the file it is read from."""
        chosen = {}
        for table in INPUT_TABLES:
            spec = self.mapping.tables.get(table.name)
            if self.only_named and spec is None:
                continue
            path = self.folder / spec.file if spec and spec.file else find_table_file(self.folder, table.name)
            if path is not None and (path.exists() or (spec and spec.file)):
                chosen[table.name] = path
        return chosen

    @property
    def key(self) -> str:
        files = [*self.files().values(), *([self.mapping_file] if self.mapping_file else [])]
        if self.folder.is_dir():
            files += [f for f in self.folder.iterdir() if f.name.endswith(FILE_SUFFIXES)]
        return files_fingerprint("mapped", self.folder, set(files))

    def open(self) -> Dataset:
        con = connect()
        raw, problems = {}, []
        chosen = self.files()
        for name, path in chosen.items():
            spec = self.mapping.tables.get(name) or TableMap(file=None)
            if not path.exists():
                problems.append(Problem(name, None, None, f"{path.name} named in the mapping is not in {self.folder}",
                                        "fix the file name under tables." + name + ".file"))
                continue
            why = not_a_regular_file(path) or wrong_kind(path)  # never open a pipe or a mislabelled file
            if why:
                problems.append(Problem(name, None, None, f"{path.name} {why}",
                                        "give a UTF-8 CSV, a gzip-compressed CSV or a Parquet file"))
                continue
            options = self.mapping.csv_options(name)
            try:
                relation = read_relation(path, options, con, number_sources(TABLES_BY_NAME[name], spec))
                columns = [r[0] for r in con.execute(sql.describe_sql(relation)).fetchall()]
            except UnicodeDecodeError:
                problems.append(Problem(name, None, None, f"{path.name} is not {options.encoding_name} text",
                                        encoding_fix(name, options)))
                continue
            except (ValueError, duckdb.Error) as exc:
                problems.append(Problem(name, None, None, f"{path.name} cannot be read ({str(exc).splitlines()[0][:200]})",
                                        getattr(exc, "fix", "save it as UTF-8 CSV with one header row, or Parquet")))
                continue
            raw[name] = mapped_relation(TABLES_BY_NAME[name], relation, columns, spec, self.mapping)
        rule = self.mapping.tables["subscriptions"].rule if "subscriptions" in self.mapping.tables else None
        try:
            ds = define_views(con, raw, self.label, materialise=set(raw), rule=rule)
        except duckdb.Error as exc:  # pragma: no cover - a file changing under us
            con.close()
            raise DataError([Problem(self.label, None, None, f"cannot read the files ({exc})",
                                     "check each file is valid CSV with a header row, or Parquet")]) from exc
        ds.read_problems = tuple(problems) + ds.read_problems
        used = {p.name for p in chosen.values()}
        if self.folder.is_dir() and not self.label_text:
            ds.unmatched_files = tuple(sorted(f.name for f in self.folder.iterdir()
                                              if f.name.endswith(FILE_SUFFIXES) and f.name not in used))
        ds.source_key = self.key
        return ds
