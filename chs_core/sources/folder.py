"""A folder with one CSV or Parquet file per contract table (accounts.csv, arr_monthly.parquet, ...)."""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from chs_core.contract import INPUT_TABLES, Table
from chs_core.errors import DataError, Problem
from chs_core.sources import sql
from chs_core.sources.csv_layout import CsvOptions, UnreadableFile, inspect_csv, read_rows
from chs_core.sources.dataset import Dataset
from chs_core.sources.files import not_a_regular_file, wrong_kind
from chs_core.sources.fingerprint import files_fingerprint
from chs_core.sources.views import connect, define_views

FILE_SUFFIXES = (".csv", ".parquet", ".csv.gz", ".tsv")


def table_files(folder: Path, name: str) -> list[Path]:
    """Every file in `folder` named after table `name` (accounts.csv, accounts.parquet, ...)."""
    paths = [folder / f"{name}{suffix}" for suffix in FILE_SUFFIXES]
    return [p for p in paths if p.exists() or p.is_symlink()]  # a broken link is reported, not passed over


def find_table_file(folder: Path, name: str) -> Path | None:
    found = table_files(folder, name)
    return found[0] if found else None


def _file_problem(table: str, files: list[Path]) -> Problem | None:
    """Why the table's file cannot be read, checked without opening anything that could block."""
    if len(files) > 1:
        names = " and ".join(f.name for f in files)
        return Problem(table, None, None, f"{names} both hold this table, so one would be ignored silently",
                       "keep one file per table: remove or rename the other")
    why = not_a_regular_file(files[0]) or wrong_kind(files[0])
    if why is None:
        return None
    return Problem(table, None, None, f"{files[0].name} {why}",
                   f"save the table as {table}.csv (UTF-8 CSV), {table}.csv.gz (gzip-compressed CSV) "
                   f"or {table}.parquet")


NUMBER_TYPES = ("DOUBLE", "BIGINT")


def number_columns(table: Table) -> frozenset[str]:
    """The table's number columns (where a decimal comma may be read: 1.000 seats are a thousand)."""
    return frozenset(c.name for c in table.columns if c.type in NUMBER_TYPES)


def encoding_fix(table: str, options: CsvOptions) -> str:
    """How to read a file that is not in the expected text encoding."""
    if options.encoding != "utf-8":
        return f"save it as {options.encoding} text, or correct csv: encoding for {table} in chs.yaml"
    return (f"save the file as UTF-8 CSV, or name its encoding in chs.yaml (tables: {{{table}: {{csv: "
            "{encoding: cp1252}}}}} for Excel on Windows; see docs/own_data.md)")


def parquet_time_zones(path: Path) -> dict[str, str]:
    """{column: zone} for time-zone-aware timestamp columns (pandas and Arrow record the zone in the file)."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return {}  # DuckDB's reading reports the file
    return {f.name: f.type.tz for f in schema if pa.types.is_timestamp(f.type) and f.type.tz}


def read_relation(path: Path, options: CsvOptions | None = None, con: duckdb.DuckDBPyConnection | None = None,
                  number_columns: Collection[str] = ()) -> str:
    """A DuckDB relation reading the file; raises UnreadableFile (a ValueError with a fix) or UnicodeDecodeError.

    con: where a CSV read by Python (mixed line endings, an encoding other than UTF-8) is registered; without
    one such a file is refused.
    number_columns: lower-case names of the contract's number columns, for options.decimal_comma.
    """
    if path.name.endswith(".parquet"):
        return sql.read_parquet_sql(str(path), parquet_time_zones(path))
    # The header row is read here, not sniffed: DuckDB's sniffer can take a malformed data line for the header.
    # Every column is text: types are checked by validation with TRY_CAST, never guessed silently.
    options = options or CsvOptions()
    layout = inspect_csv(path, options)
    in_python = layout.mixed_line_endings or options.encoding != "utf-8"
    if not in_python:
        relation = sql.read_csv_sql(str(path), layout.delimiter, layout.header, layout.skip)
    elif con is None:
        raise UnreadableFile("the file mixes Windows (CRLF) and Unix (LF) line endings, or is not UTF-8",
                             "save it again from a spreadsheet or editor as UTF-8 CSV")
    else:
        rows = read_rows(path, layout, options.text_encoding)
        columns = list(zip(*rows)) if rows else [()] * len(layout.header)
        name = "csv_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
        con.register(name, pa.table({h: pa.array(c, pa.string()) for h, c in zip(layout.header, columns)}))
        relation = sql.quote_identifier(name)
    numbers = [h for h in layout.header if h.lower() in number_columns]
    return sql.decimal_comma_sql(relation, numbers) if options.decimal_comma and numbers else relation


@dataclass(frozen=True)
class FolderSource:
    """CSV/Parquet files named after the contract tables, in one folder."""

    path: Path
    csv_options: Mapping[str, CsvOptions] = field(default_factory=dict, hash=False)  # per table (a mapping sets them)

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def key(self) -> str:
        """Changes when any data file in the folder is added, removed, renamed or changed."""
        files = [f for f in self.path.iterdir() if f.name.endswith(FILE_SUFFIXES)] if self.path.is_dir() else []
        return files_fingerprint("folder", self.path, files)

    def open(self) -> Dataset:
        raw: dict[str, str] = {}
        text_tables: set[str] = set()  # read from CSV/TSV: parsed once into memory; Parquet is read in place
        unreadable: list[Problem] = []
        used: set[str] = set()
        con = connect()
        for table in INPUT_TABLES:
            files = table_files(self.path, table.name)
            if not files:
                continue
            used.update(f.name for f in files)
            problem = _file_problem(table.name, files)
            if problem is not None:
                unreadable.append(problem)
                continue
            found = files[0]
            if not found.name.endswith(".parquet"):
                text_tables.add(table.name)
            try:
                raw[table.name] = read_relation(found, self.csv_options.get(table.name, CsvOptions()), con,
                                                number_columns(table))
            except UnicodeDecodeError:
                options = self.csv_options.get(table.name, CsvOptions())
                unreadable.append(Problem(table.name, None, None, f"{found.name} is not {options.encoding_name} text",
                                          encoding_fix(table.name, options)))
            except ValueError as exc:
                unreadable.append(Problem(table.name, None, None, f"{found.name}: {exc}", getattr(
                    exc, "fix", "write a header row with the column names, then the rows")))
        try:
            ds = define_views(con, raw, str(self.path), materialise=text_tables)
        except duckdb.Error as exc:  # pragma: no cover - a file changing under us
            con.close()
            raise DataError([Problem(str(self.path), None, None, f"cannot read the files ({exc})",
                                     "check that each file is valid CSV with a header row, or Parquet")]) from exc
        ds.read_problems = tuple(unreadable) + ds.read_problems
        ds.unmatched_files = tuple(sorted(
            f.name for f in self.path.iterdir() if f.name.endswith(FILE_SUFFIXES) and f.name not in used))
        ds.source_key = self.key
        return ds
