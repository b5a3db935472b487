"""numpy's huge-page marks are turned off only where the kernel would stall on them, and never over the user."""
from __future__ import annotations

import pytest

from chs_core import memory_pages


@pytest.fixture
def defrag(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    switched = []
    from numpy._core import multiarray

    monkeypatch.setattr(multiarray, "_set_madvise_hugepage", switched.append, raising=False)
    path = tmp_path / "defrag"
    monkeypatch.setattr(memory_pages, "DEFRAG", path)
    return path, switched


@pytest.mark.parametrize("mode, stalls", [
    ("always defer defer+madvise [madvise] never", True),
    ("always defer [defer+madvise] madvise never", True),
    ("[always] defer defer+madvise madvise never", False),
    ("always defer defer+madvise madvise [never]", False),
])
def test_marks_are_turned_off_only_where_they_stall(defrag, monkeypatch, mode, stalls):
    path, switched = defrag
    path.write_text(mode + "\n")
    assert memory_pages.avoid_huge_page_stalls() is stalls
    assert (memory_pages.os.environ.get("NUMPY_MADVISE_HUGEPAGE") == "0") is stalls
    assert switched == ([False] if stalls else [])  # numpy is imported here: its own switch is used too
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)


def test_the_users_choice_wins_and_a_missing_file_changes_nothing(defrag, monkeypatch):
    path, switched = defrag
    path.write_text("always defer defer+madvise [madvise] never\n")
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    assert memory_pages.avoid_huge_page_stalls() is False and switched == []
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE")
    path.unlink()
    assert memory_pages.avoid_huge_page_stalls() is False and switched == []
