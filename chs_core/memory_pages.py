"""Keep numpy from asking Linux for huge pages where asking stalls the process.

numpy marks every array of 4 MB or more MADV_HUGEPAGE. When the kernel's transparent_hugepage/defrag setting is
"madvise" or "defer+madvise" (the default of several distributions), a page fault in such memory with no free huge
page waits for the kernel to compact memory (numpy/numpy#31590). On this project's 2-core benchmark machine the
100,000-account backtest spent 12 of its 25 s in the kernel with the marks, 4.5 of 18.5 s without them. On other
settings nothing changes, and NUMPY_MADVISE_HUGEPAGE set by the user always wins.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

DEFRAG = Path("/sys/kernel/mm/transparent_hugepage/defrag")


def huge_pages_stall() -> bool:
    """Whether a fault in memory marked for huge pages compacts memory synchronously (the selected defrag mode)."""
    try:
        text = DEFRAG.read_text()
    except OSError:  # not Linux, or no transparent huge pages
        return False
    return "[madvise]" in text or "[defer+madvise]" in text


def avoid_huge_page_stalls() -> bool:
    """Turn numpy's huge-page marks off when they stall (see the module docstring); True when turned off."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ or not huge_pages_stall():
        return False
    os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"  # read by numpy when it is first imported
    if "numpy" in sys.modules:  # imported already (Streamlit imports it before the app): numpy's own switch
        from numpy._core import multiarray

        switch = getattr(multiarray, "_set_madvise_hugepage", None)
        if switch is not None:
            switch(False)
    return True
