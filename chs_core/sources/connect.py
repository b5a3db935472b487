"""Pick the Source for what a user typed: a folder (with or without chs.yaml), a .duckdb file, one file, a URL."""
from __future__ import annotations

from pathlib import Path

from chs_core.errors import DataError, Problem
from chs_core.sources import sql
from chs_core.sources.duckdb_file import DuckDBFileSource
from chs_core.sources.files import not_a_regular_file, wrong_kind
from chs_core.sources.folder import FILE_SUFFIXES, FolderSource, read_relation
from chs_core.sources.guess import guess_table
from chs_core.sources.mapped import MappedSource
from chs_core.sources.mapping import MAPPING_FILE, Mapping, TableMap, load_mapping
from chs_core.sources.views import connect

URL_SCHEMES = ("postgresql://", "postgres://")


def file_columns(path: Path) -> list[str]:
    """The column names of a CSV/Parquet file (empty when it cannot be read)."""
    con = connect()
    try:
        return [r[0] for r in con.execute(sql.describe_sql(read_relation(path, con=con))).fetchall()]
    except Exception:  # noqa: BLE001 - unreadable files are reported when opened, here they just fit no table
        return []
    finally:
        con.close()


def single_file_source(path: Path) -> MappedSource:
    """One CSV/Parquet file as --data: the table it holds is told from its name and columns."""
    why = not_a_regular_file(path) or wrong_kind(path)
    if why:
        raise DataError([Problem(str(path), None, None, f"{path.name} {why}",
                                 "give a UTF-8 CSV, a gzip-compressed CSV or a Parquet file")])
    columns = file_columns(path)
    table = guess_table(path, columns)
    if table is None:
        raise DataError([Problem(str(path), None, None,
                                 f"cannot tell which table this file holds (columns: {', '.join(columns[:12]) or 'none'})",
                                 "name it after its table (e.g. subscriptions.csv) or pass a folder with a chs.yaml "
                                 "mapping (python -m chs_core init-mapping FOLDER proposes one)")])
    return MappedSource(path.parent, Mapping(tables={table: TableMap(file=path.name)}, origin=str(path)),
                        label_text=str(path), only_named=True)


def source_from(location: str | Path, mapping: str | Path | None = None):
    text = str(location)
    if text.startswith(URL_SCHEMES):
        from chs_core.sources.postgres import PostgresSource

        return PostgresSource.from_url(text, mapping=load_mapping(mapping) if mapping else None)
    path = Path(location)
    if not path.exists():
        raise DataError([Problem(str(path), None, None, "the data source does not exist",
                                 "pass --data with a folder of CSV/Parquet files, a .duckdb file, one CSV file "
                                 "or a postgresql:// URL")])
    if path.is_dir():
        mapping_file = Path(mapping) if mapping else path / MAPPING_FILE
        if mapping_file.is_file():
            return MappedSource(path, load_mapping(mapping_file), mapping_file)
        if mapping or mapping_file.exists() or mapping_file.is_symlink():
            load_mapping(mapping_file)  # raises: the mapping cannot be read (a folder, a pipe, a broken link)
        return FolderSource(path)
    if mapping:
        raise DataError([Problem(str(mapping), None, None, "a mapping file applies to a folder or a PostgreSQL URL",
                                 "pass --data with the folder that holds the files the mapping names "
                                 "(a DuckDB file's tables must be named after the contract)")])
    if path.name.lower().endswith(FILE_SUFFIXES):
        return single_file_source(path)
    return DuckDBFileSource(path)
