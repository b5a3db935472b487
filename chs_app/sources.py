"""Where the app's data and model come from: the environment variables in settings, else the bundled demo."""
from __future__ import annotations

import os
from pathlib import Path

from chs_core.settings import DEFAULT_MODEL, DEMO_DATABASE, setting

DATA_ENV = setting("data_env")  # a folder of CSV/Parquet files or a .duckdb file
MODEL_ENV = setting("model_env")  # a model.yaml


def data_path() -> Path:
    return Path(os.environ.get(DATA_ENV) or DEMO_DATABASE)


def model_path() -> Path:
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL)


def is_demo(path: Path) -> bool:
    return path.resolve() == DEMO_DATABASE.resolve()
