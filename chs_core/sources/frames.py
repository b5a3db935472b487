"""pandas frames named after contract tables, as a source (tests, adapters, derived data)."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from chs_core.sources import sql
from chs_core.sources.dataset import Dataset
from chs_core.sources.views import connect, define_views


@dataclass(frozen=True)
class FramesSource:
    frames: Mapping[str, pd.DataFrame] = field(hash=False)
    label: str = "in-memory frames"

    @property
    def key(self) -> str:
        """A hash of every frame's names, columns and values."""
        digest = hashlib.sha256()
        for name in sorted(self.frames):
            frame = self.frames[name]
            digest.update(f"{name}\0{','.join(map(str, frame.columns))}\n".encode())
            digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
        return f"frames:{digest.hexdigest()}"

    def open(self) -> Dataset:
        con = connect()
        raw = {}
        for name, frame in self.frames.items():
            con.register(f"frame_{name}", frame)
            raw[name] = sql.registered_frame(name)
        return define_views(con, raw, self.label)


def dataset_from_frames(frames: Mapping[str, pd.DataFrame], origin: str = "in-memory frames") -> Dataset:
    """Open frames named after contract tables as a Dataset."""
    return FramesSource(frames, origin).open()
