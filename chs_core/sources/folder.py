"""A folder with one CSV or Parquet file per contract table (accounts.csv, arr_monthly.parquet, ...)."""
from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from chs_core.contract import INPUT_TABLES
from chs_core.errors import DataError, Problem
from chs_core.sources import sql
from chs_core.sources.dataset import Dataset
from chs_core.sources.files import not_a_regular_file, wrong_kind
from chs_core.sources.fingerprint import files_fingerprint
from chs_core.sources.views import connect, define_views

FILE_SUFFIXES = (".csv", ".parquet", ".csv.gz", ".tsv")


def table_files(folder: Path, name: str) -> list[Path]:
    """Every file in `folder` named after table `name` (accounts.csv, accounts.parquet, ...)."""
    return [folder / f"{name}{suffix}" for suffix in FILE_SUFFIXES if (folder / f"{name}{suffix}").exists()]


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


def _csv_header(path: Path, delimiter: str) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle, delimiter=delimiter), [])


def parquet_time_zones(path: Path) -> dict[str, str]:
    """{column: zone} for time-zone-aware timestamp columns (pandas and Arrow record the zone in the file)."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return {}  # DuckDB's reading reports the file
    return {f.name: f.type.tz for f in schema if pa.types.is_timestamp(f.type) and f.type.tz}


def read_relation(path: Path) -> str:
    """A DuckDB relation reading the file; raises ValueError (empty file) or UnicodeDecodeError."""
    if path.suffix == ".parquet":
        return sql.read_parquet_sql(str(path), parquet_time_zones(path))
    delimiter = "\t" if path.name.endswith(".tsv") else ","
    header = _csv_header(path, delimiter)
    if not header:
        raise ValueError("the file is empty")
    # The header row is read here, not sniffed: DuckDB's sniffer can take a malformed data line for the header.
    # Every column is text: types are checked by validation with TRY_CAST, never guessed silently.
    return sql.read_csv_sql(str(path), delimiter, header)


@dataclass(frozen=True)
class FolderSource:
    """CSV/Parquet files named after the contract tables, in one folder."""

    path: Path

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
                raw[table.name] = read_relation(found)
            except UnicodeDecodeError:
                unreadable.append(Problem(table.name, None, None, f"{found.name} is not UTF-8 text",
                                          "save the file as UTF-8 CSV"))
            except ValueError as exc:
                unreadable.append(Problem(table.name, None, None, f"{found.name}: {exc}",
                                          "write a header row with the column names, then the rows"))
        con = connect()
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
