"""The Source protocol: anything that has a stable cache key and opens as a Dataset."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from chs_core.sources.dataset import Dataset


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


def source_for(location: str | Path | Source, mapping: str | Path | None = None) -> Source:
    """The Source for a folder, a .duckdb file, one CSV/Parquet file or a postgresql:// URL (a Source is returned as is).

    A folder with a chs.yaml (or `mapping`, a mapping file) is read through that mapping.
    """
    if isinstance(location, Source):
        return location
    from chs_core.sources.connect import source_from  # mapping, single file and URL sources

    return source_from(location, mapping)


def open_dataset(location: str | Path | Source) -> Dataset:
    """Open a folder, a .duckdb file or a Source; raise DataError when it cannot be read."""
    return source_for(location).open()
