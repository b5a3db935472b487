"""Saving model.yaml never loses data: file mode kept, symlink target updated, no temp left, bounded history."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from chs_core.model import edits, list_versions, load_model, save_model, store
from chs_core.settings import DEFAULT_MODEL


@pytest.fixture(scope="module")
def model():
    return load_model(DEFAULT_MODEL)


def test_save_keeps_the_file_mode(model, tmp_path):
    path = tmp_path / "model.yaml"
    save_model(model, path)
    os.chmod(path, 0o640)
    save_model(edits.with_component_weight(model, "usage", 40), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_new_file_follows_the_umask(model, tmp_path):
    old = os.umask(0o022)
    try:
        save_model(model, tmp_path / "model.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "model.yaml").stat().st_mode) == 0o644  # not mkstemp's 0600


def test_symlinked_model_updates_its_target(model, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "model.yaml"
    save_model(model, target)
    link = tmp_path / "model.yaml"
    link.symlink_to(target)
    changed = edits.with_component_weight(model, "usage", 40)
    save_model(changed, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load_model(target) == changed  # the shared file changed, so every link sees it
    assert len(store.history_files(link)) == 1 and (shared / "model_history").is_dir()


def test_stale_temp_files_are_removed_fresh_ones_kept(model, tmp_path):
    path = tmp_path / "model.yaml"
    save_model(model, path)
    stale = tmp_path / ".model.yaml.abc123.tmp"  # what a save killed between write and rename leaves
    stale.write_text("half a model")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".model.yaml.def456.tmp"  # another save in progress right now
    fresh.write_text("being written")
    save_model(model, path)
    assert not stale.exists() and fresh.exists()


def test_failed_write_leaves_no_temp_and_the_old_file(model, tmp_path, monkeypatch):
    path = tmp_path / "model.yaml"
    save_model(model, path)
    before = path.read_text()

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(store.os, "replace", boom)
    with pytest.raises(OSError):
        save_model(edits.with_component_weight(model, "usage", 40), path)
    assert path.read_text() == before and not list(tmp_path.glob(".model.yaml.*.tmp"))


def test_directory_is_fsynced(model, tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(store, "_fsync_dir", lambda folder: synced.append(folder))
    save_model(model, tmp_path / "model.yaml")
    save_model(model, tmp_path / "model.yaml")
    assert tmp_path in synced and tmp_path / "model_history" in synced


def test_history_is_bounded_by_the_setting(model, tmp_path, monkeypatch):
    monkeypatch.setenv("CHS_MODEL_HISTORY_VERSIONS", "3")
    path = tmp_path / "model.yaml"
    for w in range(30, 37):  # 7 saves: 6 previous versions, 3 kept
        save_model(edits.with_component_weight(model, "usage", w), path, note=f"usage {w}")
    kept = store.history_files(path)
    assert len(kept) == 3
    versions = list_versions(path)
    assert [v.note for v in versions] == ["usage 36", "usage 35", "usage 34", "usage 33"]  # newest first


def test_a_save_killed_midway_leaves_the_old_model_and_its_temp_is_cleared_next_time(model, tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.yaml"
    save_model(model, path)
    before = path.read_text()
    # A real process, killed (SIGKILL: no cleanup runs) after writing its temp file and before the swap.
    child = subprocess.Popen([sys.executable, "-c", (
        "import time, sys\n"
        "from chs_core.model import edits, load_model, save_model, store\n"
        "store.os.replace = lambda *a: time.sleep(60)\n"
        f"m = load_model({str(path)!r})\n"
        f"save_model(edits.with_component_weight(m, 'usage', 41), {str(path)!r})\n")],
        cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.time() + 30
        while not list(tmp_path.glob(".model.yaml.*.tmp")) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # let it finish writing and fsyncing the temp file
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = list(tmp_path.glob(".model.yaml.*.tmp"))
    assert len(left) == 1 and path.read_text() == before  # never half a model
    old = time.time() - 2 * store.STALE_TEMP_SECONDS
    os.utime(left[0], (old, old))
    save_model(model, path)  # the next save clears what the killed one left
    assert not list(tmp_path.glob(".model.yaml.*.tmp")) and load_model(path) == model
