"""Where the app's data and model come from: environment variables, else the bundled demo."""
from __future__ import annotations

import os
from pathlib import Path

from chs_core.settings import DEFAULT_MODEL as DEFAULT_MODEL_PATH
from chs_core.settings import DEMO_DATABASE as DEMO_PATH

DATA_ENV = "CHS_DATA"  # a folder of CSV/Parquet files or a .duckdb file
MODEL_ENV = "CHS_MODEL"  # a model.yaml


def data_path() -> Path:
    return Path(os.environ.get(DATA_ENV) or DEMO_PATH)


def model_path() -> Path:
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL_PATH)


def is_demo(path: Path) -> bool:
    return path.resolve() == DEMO_PATH.resolve()


def source_key(path: Path) -> tuple[str, float]:
    """Cache key for a source: its path and last change, so edited files are re-read."""
    if not path.exists():
        return (str(path), 0.0)
    if path.is_dir():
        stamps = [p.stat().st_mtime for p in path.iterdir() if p.is_file()]
        return (str(path.resolve()), max(stamps, default=0.0))
    return (str(path.resolve()), path.stat().st_mtime)
