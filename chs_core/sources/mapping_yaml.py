"""Read a mapping file's YAML within bounds: at most MAX_BYTES, UTF-8, no anchors or aliases (a mapping names files
and columns: nothing to repeat), no key written twice, nesting at most MAX_DEPTH deep."""
from __future__ import annotations

from pathlib import Path

import yaml

from chs_core.errors import DataError, Problem
from chs_core.sources.files import not_a_regular_file

MAX_BYTES = 256_000
MAX_DEPTH = 8


class _BoundedLoader(yaml.SafeLoader):
    """safe_load without anchors, aliases or duplicate keys, and with a nesting bound."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in a mapping file; write the value out")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.YAMLError("anchors (&name) are not allowed in a mapping file; write the value out")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.YAMLError(f"key {str(key)[:60]!r} appears twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep)


def _fail(where: str, message: str, fix: str) -> DataError:
    return DataError([Problem(where, None, None, message, fix)])


def read_mapping_yaml(path: Path) -> object:
    """The file's YAML as plain Python values; DataError names the file, what is wrong and the fix."""
    why = not_a_regular_file(path)  # a pipe would block the read
    if why:
        raise _fail(str(path), f"the mapping file {why}", "pass --mapping with a chs.yaml file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _fail(str(path), f"the mapping file is larger than {MAX_BYTES // 1000} KB",
                        "a mapping names files, columns and codes: keep it short")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(str(path), f"cannot read the mapping file ({exc.strerror})", "pass --mapping with a chs.yaml") from exc
    except UnicodeDecodeError:
        raise _fail(str(path), "the mapping file is not UTF-8 text", "save it as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass with bounds
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise _fail(str(path), f"not valid YAML{line}: {str(getattr(exc, 'problem', None) or exc)[:200]}",
                    "fix the YAML (indentation, quotes)") from None
    return data
