"""Connect other data from the Data page: a folder, a DuckDB file, a PostgreSQL URL or uploaded files; see and edit
the proposed mapping, validate, then switch every page of this session to it."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from chs_app import sources, state
from chs_core.errors import DataError
from chs_core.pipeline import check_source
from chs_core.sources import source_for
from chs_core.sources.mapping import MAPPING_FILE, load_mapping
from chs_core.sources.proposal_text import proposal_yaml
from chs_core.sources.propose import propose
from chs_core.sources.redact import redact

KINDS = ("Folder of CSV/Parquet files", "DuckDB file", "PostgreSQL URL", "Upload CSV/Parquet files")


def _candidate() -> tuple[str, str] | None:
    """(location, proposed mapping text) from the form, or None when nothing usable was given."""
    kind = st.session_state.get(state.DATA_CONNECT_KIND, KINDS[0])
    if kind == KINDS[3]:
        files = st.session_state.get(state.DATA_CONNECT_UPLOADS) or []
        if not files:
            st.warning("Choose one or more CSV or Parquet files first.", icon=":material/upload_file:")
            return None
        folder = sources.save_uploads(files)
        return str(folder), _proposal(folder)
    target = (st.session_state.get(state.DATA_CONNECT_TARGET) or "").strip()
    if not target:
        st.warning("Type a path or a URL first.", icon=":material/edit:")
        return None
    if kind == KINDS[2] and not target.startswith(("postgresql://", "postgres://")):
        st.warning("A PostgreSQL URL starts with postgresql:// (postgresql://user@host:5432/db).")
        return None
    path = Path(target).expanduser()
    if kind == KINDS[0] and path.is_dir():
        own = path / MAPPING_FILE
        return str(path), own.read_text(encoding="utf-8") if own.is_file() else _proposal(path)
    return (target if kind == KINDS[2] else str(path)), ""


def _proposal(folder: Path) -> str:
    proposals, skipped = propose(folder)
    return proposal_yaml(folder, proposals, skipped)


def _check(location: str, mapping_text: str) -> tuple[object, str | None]:
    """Validate the candidate with the (edited) mapping; the mapping is saved in the workspace, never beside the data."""
    mapping = str(sources.save_mapping(mapping_text)) if mapping_text.strip() else None
    try:
        if mapping:
            load_mapping(mapping)
        return check_source(source_for(location, mapping)), mapping
    except DataError as exc:
        return exc, mapping


def connect_section() -> None:
    st.radio("What to connect", KINDS, key=state.DATA_CONNECT_KIND, horizontal=True)
    kind = st.session_state.get(state.DATA_CONNECT_KIND, KINDS[0])
    if kind == KINDS[3]:
        st.file_uploader("CSV or Parquet files (kept in the app's workspace folder, never over your files)",
                         type=["csv", "parquet", "tsv", "gz"], accept_multiple_files=True,
                         key=state.DATA_CONNECT_UPLOADS)
    else:
        hint = {KINDS[0]: "/path/to/exports", KINDS[1]: "/path/to/data.duckdb",
                KINDS[2]: "postgresql://user@host:5432/db?schema=public"}[kind]
        st.text_input("Path or URL", key=state.DATA_CONNECT_TARGET, placeholder=hint,
                      help="A PostgreSQL password is best given in PGPASSWORD or ~/.pgpass; it is never shown.")
    if st.button("Read it and propose a mapping", key="data_connect_read"):
        found = _candidate()
        if found is not None:
            st.session_state[state.DATA_CONNECT_CANDIDATE] = found[0]
            st.session_state[state.DATA_CONNECT_MAPPING_TEXT] = found[1]
    location = st.session_state.get(state.DATA_CONNECT_CANDIDATE)
    if not location:
        return
    st.markdown(f"**Candidate:** `{redact(location)}`")
    st.text_area("Mapping (chs.yaml): check and edit it; leave it empty to read files named after the contract",
                 key=state.DATA_CONNECT_MAPPING_TEXT, height=300)
    result, mapping = _check(location, st.session_state.get(state.DATA_CONNECT_MAPPING_TEXT, ""))
    if isinstance(result, DataError):
        st.error("The mapping cannot be used:\n\n" + "\n".join(f"- {p}" for p in result.problems))
        return
    if result.errors:
        st.error(f"{len(result.errors)} error(s) to fix before this data can be scored:\n\n"
                 + "\n".join(f"- {p}" for p in result.errors[:10]), icon=":material/error:")
    else:
        counts = ", ".join(f"{t} {n:,}" for t, n in result.tables.items())
        st.success(f"Valid: {counts}; {len(result.warnings)} warning(s).", icon=":material/check_circle:")
    st.button("Use this data in every page", key="data_connect_use", disabled=bool(result.errors),
              on_click=sources.use_source, args=(location, mapping), type="primary")
