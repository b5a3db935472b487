"""Data sources: where customer data comes from, opened as contract-shaped DuckDB views (a Dataset)."""
from chs_core.sources.base import Source, open_dataset, source_for
from chs_core.sources.dataset import Dataset
from chs_core.sources.duckdb_file import DuckDBFileSource
from chs_core.sources.folder import FolderSource
from chs_core.sources.frames import FramesSource, dataset_from_frames

__all__ = ["Dataset", "DuckDBFileSource", "FolderSource", "FramesSource", "Source", "dataset_from_frames",
           "open_dataset", "source_for"]
