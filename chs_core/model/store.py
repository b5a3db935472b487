"""Saving model.yaml safely and keeping its versions: atomic write, bounded history, list and restore.

- Atomic: the text goes to a temp file beside the model, is fsynced, swapped in with os.replace, and the
  directory is fsynced, so a reader (or a crash) never sees half a model and the rename itself is durable.
- The file keeps its permission bits; a symlinked model.yaml keeps its link and its target is updated
  (a team sharing one target through links all see the new version).
- Before the swap the previous file is copied into model_history/ beside the real file; the oldest copies
  beyond the setting model_history_versions are removed. Temp files a killed save left behind (older
  than a minute) are removed by the next save.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chs_core.errors import ModelError
from chs_core.model.io import dump_model_yaml
from chs_core.model.schema import Model
from chs_core.model.yaml_safe import read_model_text, safe_load_bounded
from chs_core.settings import setting

HISTORY_DIR = "model_history"
NOTE_PREFIX = "# Change note: "
STALE_TEMP_SECONDS = 60  # a save takes milliseconds; an older temp file belongs to a save that was killed


def real_path(path: str | os.PathLike) -> Path:
    """The file a (possibly symlinked) model path stands for."""
    return Path(os.path.realpath(path))


def history_dir(path: str | os.PathLike) -> Path:
    return real_path(path).parent / HISTORY_DIR


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_stale_temps(target: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temp files of earlier saves of `target` that were interrupted; return what was removed."""
    removed = []
    now = time.time()
    for p in target.parent.glob(f"{_temp_prefix(target)}*.tmp"):
        try:
            if now - p.stat().st_mtime > older_than:
                p.unlink()
                removed.append(p)
        except FileNotFoundError:  # another save finished it meanwhile
            pass
    return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(target: Path, text: str, durable: bool = True) -> None:
    """Replace `target` with `text` atomically, keeping its permission bits (new files follow the umask).

    durable=False skips the fsyncs (a draft saved on every slider move need not survive a power cut)."""
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), mode)  # mkstemp creates 0600
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(target.parent)


def prune_history(path: str | os.PathLike, keep: int | None = None) -> list[Path]:
    """Remove the oldest history copies beyond `keep` (setting model_history_versions); return them."""
    keep = setting("model_history_versions") if keep is None else keep
    copies = history_files(path)
    old = copies[:-keep] if keep > 0 else copies
    for p in old:
        p.unlink(missing_ok=True)
    return old


def history_files(path: str | os.PathLike) -> list[Path]:
    """History copies of a model file, oldest first (names carry a sortable UTC time stamp)."""
    target = real_path(path)
    folder = target.parent / HISTORY_DIR
    return sorted(folder.glob(f"{target.stem}-*{target.suffix}")) if folder.is_dir() else []


def save_model(model: Model, path: str | os.PathLike, note: str = "", keep: int | None = None) -> Path | None:
    """Write the model atomically; copy the previous file to model_history/ first and return that copy's path.

    note: a change note written as a comment at the top of the file (shown in the version list).
    keep: how many history copies to keep (default: setting model_history_versions).
    """
    target = real_path(path)
    text = dump_model_yaml(model)
    if note:
        text = "".join(f"{NOTE_PREFIX}{line}\n" for line in note.strip().splitlines()) + text
    remove_stale_temps(target)
    backup = None
    if target.exists():
        hist = target.parent / HISTORY_DIR
        hist.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = hist / f"{target.stem}-{stamp}{target.suffix}"
        shutil.copy2(target, backup)
        _fsync_dir(hist)
    write_atomic(target, text)
    if backup is not None:
        prune_history(target, keep)
    return backup


@dataclass(frozen=True)
class Version:
    """One saved version of a model file: the file, its model version and name, when and why it was saved."""

    path: Path
    version: str
    name: str
    saved: str  # ISO time from the file's time stamp
    note: str


def _version_of(path: Path) -> Version:
    try:
        text = read_model_text(path)
        data = safe_load_bounded(text, str(path)) or {}
    except ModelError:  # a damaged copy is still listed, so it can be seen and removed
        text, data = "", {}
    note = " ".join(line[len(NOTE_PREFIX):] for line in text.splitlines() if line.startswith(NOTE_PREFIX))
    data = data if isinstance(data, dict) else {}
    saved = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Version(path, str(data.get("version", "?")), str(data.get("name", "")), saved, note)


def list_versions(path: str | os.PathLike) -> list[Version]:
    """The file in use first, then every kept previous version, newest first."""
    target = real_path(path)
    current = [_version_of(target)] if target.exists() else []
    return current + [_version_of(p) for p in reversed(history_files(target))]
