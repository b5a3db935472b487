"""Publishing a draft: the diff against the published model, a version bump, a refused conflicting publish, restore.

Two analysts may tune at once. Each draft remembers the fingerprint of the published file it began from;
publishing checks that fingerprint again and refuses (PublishConflict, with what changed meanwhile) when
someone else has published since. Publishing and restoring both write through model.store.save_model:
atomic, keeping the previous file in the bounded history, so restoring an old version is itself a new
version and nothing is lost.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from chs_core.model import Model, load_model, model_to_dict, save_model
from chs_core.model.store import real_path


@dataclass(frozen=True)
class Change:
    key: str  # dotted path in model.yaml vocabulary, e.g. components.usage.weight
    before: object  # None when added
    after: object  # None when removed


class PublishConflict(Exception):
    """The published model changed since the draft began; `changes` is what the other publish changed."""

    def __init__(self, message: str, changes: list[Change]):
        super().__init__(message)
        self.changes = changes


def fingerprint(path: str | os.PathLike) -> str:
    """sha256 of the published file's bytes ("" when there is none yet)."""
    target = real_path(path)
    return hashlib.sha256(target.read_bytes()).hexdigest() if target.exists() else ""


def _flat(value, prefix: str, out: dict) -> dict:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v for v in value):
        for v in value:  # tiers, lifecycle stages: keyed by name, so reordering is not a change
            _flat({k: x for k, x in v.items() if k != "name"}, f"{prefix}.{v['name']}", out)
    else:
        out[prefix] = value
    return out


def model_diff(before: Model, after: Model) -> list[Change]:
    """Every key whose value differs, in model.yaml order (version and description left out)."""
    a = _flat({k: v for k, v in model_to_dict(before).items() if k not in ("version", "description")}, "", {})
    b = _flat({k: v for k, v in model_to_dict(after).items() if k not in ("version", "description")}, "", {})
    keys = list(a) + [k for k in b if k not in a]
    return [Change(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def next_version(version: str) -> str:
    """'3' -> '4', '2.9' -> '2.10', 'beta' -> 'beta.1'."""
    m = re.match(r"^(.*?)(\d+)$", version.strip())
    return f"{m.group(1)}{int(m.group(2)) + 1}" if m else f"{version}.1"


def publish(draft: Model, path: str | os.PathLike, note: str, base_fingerprint: str,
            base: Model | None = None) -> tuple[Model, Path | None]:
    """Publish `draft` over the model file at `path` with a bumped version and a change note.

    Refused with PublishConflict when the file's fingerprint is no longer `base_fingerprint`; its changes
    are what was published meanwhile (base -> now) when the draft's `base` is given, else draft -> now.
    Returns the published model and the history copy of the previous file.
    """
    if not note.strip():
        raise ValueError("Write a change note: what changed and why (it is kept with the version).")
    now = fingerprint(path)
    current = load_model(path) if now else None
    if now != base_fingerprint:
        changes = model_diff(base or draft, current) if current is not None else []
        raise PublishConflict(
            f"The published model changed since this draft began (now version {current.version if current else '-'})."
            " Review what changed, then start a new draft from it or re-apply your changes.", changes)
    version = next_version(current.version) if current is not None else draft.version
    published = replace(draft, version=version)
    backup = save_model(published, path, note=note)
    return published, backup


def restore(version_file: str | os.PathLike, path: str | os.PathLike, base_fingerprint: str) -> tuple[Model, Path | None]:
    """Publish an earlier version again (as the next version number), keeping everything in between."""
    old = load_model(version_file)
    return publish(old, path, f"Restored version {old.version} ({Path(version_file).name})", base_fingerprint)
