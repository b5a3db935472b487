"""Drafts that survive a reload: each draft is a model file plus the published model it began from.

A draft lives in model_history/drafts/<id>.yaml beside the published model (the id is in the page's URL),
with its base as <id>.base.yaml, so a reload, a second tab or the next day finds it again, and publishing
can tell what the other analysts changed meanwhile. Ids are random hex, so drafts never collide.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from chs_core.errors import ModelError
from chs_core.model import Model, dump_model_yaml, load_model
from chs_core.model.store import history_dir, write_atomic

_ID = re.compile(r"^[0-9a-f]{12}$")
BASE_PREFIX = "# draft base fingerprint: "


@dataclass(frozen=True)
class Draft:
    id: str
    model: Model
    base: Model  # the published model when the draft began
    base_fingerprint: str


def new_draft_id() -> str:
    return secrets.token_hex(6)


def drafts_dir(model_path: str | os.PathLike) -> Path:
    return history_dir(model_path) / "drafts"


def _paths(model_path, draft_id: str) -> tuple[Path, Path]:
    if not _ID.match(draft_id):  # the id comes from the URL: never let it name another path
        raise ValueError(f"'{draft_id[:20]}' is not a draft id (12 hex characters)")
    folder = drafts_dir(model_path)
    return folder / f"{draft_id}.yaml", folder / f"{draft_id}.base.yaml"


def save_draft(model_path, draft: Draft) -> None:
    path, base = _paths(model_path, draft.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, BASE_PREFIX + draft.base_fingerprint + "\n" + dump_model_yaml(draft.model), durable=False)
    if not base.exists():
        write_atomic(base, dump_model_yaml(draft.base), durable=False)


def load_draft(model_path, draft_id: str) -> Draft | None:
    """The saved draft, or None when there is none with that id (or it can no longer be read)."""
    try:
        path, base = _paths(model_path, draft_id)
    except ValueError:
        return None
    if not path.exists() or not base.exists():
        return None
    try:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        fp = first[len(BASE_PREFIX):] if first.startswith(BASE_PREFIX) else ""
        return Draft(draft_id, load_model(path), load_model(base), fp)
    except (ModelError, OSError, IndexError):
        return None


def discard_draft(model_path, draft_id: str) -> None:
    for p in _paths(model_path, draft_id):
        p.unlink(missing_ok=True)
