"""Cache keys for file sources: a hash of the location and of every file's name, size and change time."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_fingerprint(kind: str, location: Path, files: Iterable[Path]) -> str:
    """Changes when any of `files` is added, removed, renamed or rewritten (absent files are skipped)."""
    digest = hashlib.sha256(str(location.resolve()).encode())
    for f in sorted(files):
        if f.is_file():
            stat = f.stat()
            digest.update(f"{f.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return f"{kind}:{digest.hexdigest()}"
