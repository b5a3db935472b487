"""The Source protocol: anything that has a stable cache key and opens as a Dataset."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from chs_core.errors import DataError, Problem
from chs_core.sources.dataset import Dataset
from chs_core.sources.duckdb_file import DuckDBFileSource
from chs_core.sources.folder import FolderSource


@runtime_checkable
class Source(Protocol):
    """Where customer data comes from.

    key: changes whenever the data would read differently (caches key on it).
    label: what to show a user (never holds credentials).
    open(): a Dataset with one contract-shaped view per table; close it (it is a context manager).
    """

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    def open(self) -> Dataset: ...


def source_for(location: str | Path | Source) -> Source:
    """The Source for a folder or a .duckdb file (a Source is returned as it is)."""
    if isinstance(location, Source):
        return location
    path = Path(location)
    if not path.exists():
        raise DataError([Problem(str(path), None, None, "the data source does not exist",
                                 "pass --data with a folder of CSV/Parquet files or a .duckdb file")])
    return FolderSource(path) if path.is_dir() else DuckDBFileSource(path)


def open_dataset(location: str | Path | Source) -> Dataset:
    """Open a folder, a .duckdb file or a Source; raise DataError when it cannot be read."""
    return source_for(location).open()
