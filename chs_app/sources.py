"""Where the app's data and model come from: what the Data page connected (this session), else the environment
variables in settings, else the bundled demo. Uploaded files and edited mappings live in the workspace folder."""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from chs_app import state
from chs_core.settings import DEFAULT_MODEL, DEMO_DATABASE, REPO_ROOT, setting

DATA_ENV = setting("data_env")  # a folder, a .duckdb file, one CSV/Parquet file or a postgresql:// URL
MODEL_ENV = setting("model_env")  # a model.yaml
MAPPING_ENV = setting("mapping_env")  # a chs.yaml
BILLING_ONLY_MODEL = REPO_ROOT / "models" / "billing_only.yaml"


def data_location() -> str:
    """The data the app reads: a path or a postgresql:// URL (may hold a password: show `CheckedSource.label`)."""
    return st.session_state.get(state.DATA_LOCATION) or os.environ.get(DATA_ENV) or str(DEMO_DATABASE)


def mapping_location() -> str | None:
    if st.session_state.get(state.DATA_LOCATION):
        return st.session_state.get(state.DATA_MAPPING) or None
    return os.environ.get(MAPPING_ENV) or None


def data_path() -> Path:
    return Path(data_location())


def model_path() -> Path:
    return Path(st.session_state.get(state.MODEL_PATH) or os.environ.get(MODEL_ENV) or DEFAULT_MODEL)


def is_demo(location: str | Path) -> bool:
    text = str(location)
    return not text.startswith(("postgres://", "postgresql://")) and Path(text).resolve() == DEMO_DATABASE.resolve()


def use_source(location: str, mapping: str | None) -> None:
    """Switch every page of this session to another source (and mapping)."""
    st.session_state[state.DATA_LOCATION] = location
    st.session_state[state.DATA_MAPPING] = mapping or ""


def reset_source() -> None:
    for key in (state.DATA_LOCATION, state.DATA_MAPPING):
        st.session_state.pop(key, None)


def workspace() -> Path:
    path = Path(setting("workspace_dir"))
    return path if path.is_absolute() else REPO_ROOT / path


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "file"
    return cleaned[:120]


def save_uploads(files: list) -> Path:
    """Uploaded files into a new folder of the workspace (never over an existing file); returns the folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = workspace() / "uploads" / stamp
    folder.mkdir(parents=True, exist_ok=False)
    for upload in files:
        target = folder / _safe_name(upload.name)
        with open(target, "xb") as out:  # "x": fails rather than overwrite
            out.write(upload.getvalue())
    return folder


def save_mapping(text: str) -> Path:
    """An edited mapping into the workspace (one file per version, never over the user's own chs.yaml)."""
    import hashlib

    folder = workspace() / "mappings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"chs-{hashlib.sha256(text.encode()).hexdigest()[:16]}.yaml"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path
