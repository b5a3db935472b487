"""Read untrusted model YAML within fixed bounds: size, encoding, nesting, alias expansion, duplicate keys.

A model file is small and hand-written, so anything far beyond that is refused before it is
built into Python objects: a file over MAX_BYTES, text that is not UTF-8 (UTF-16 and Latin-1
are named), nesting deeper than MAX_DEPTH, aliases whose expansion exceeds MAX_NODES
("billion laughs"), a recursive alias, or a key written twice in one mapping (YAML would keep
the last one silently). Every message is short and never quotes an unbounded value.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from chs_core.errors import ModelError

MAX_BYTES = 1_000_000  # the bundled model is about 10 KB
MAX_DEPTH = 40
MAX_NODES = 100_000  # nodes after expanding every alias
SHOWN = 60  # longest piece of user text quoted in a message


def shorten(value: object, limit: int = SHOWN) -> str:
    """A value for a message, cut to `limit` characters; a list or mapping is named, never printed."""
    if isinstance(value, (dict, list, tuple, set)):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            if first is not None:
                raise _Refused(f"key {shorten(key)} is written twice (lines {first} and "
                               f"{key_node.start_mark.line + 1}); keep one")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


class _Refused(Exception):
    """A bound was exceeded; the message says which."""


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document would have with every alias copied out; refuses recursion and deep nesting."""
    sizes: dict[int, int] = {}
    # Iterative post-order walk: PyYAML shares one node object per anchor, so memoising by id keeps it linear.
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise _Refused(f"nesting deeper than {MAX_DEPTH} levels")
        children = _children(node)
        if done:
            open_nodes.discard(id(node))
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_NODES:
                raise _Refused(f"aliases expand to more than {MAX_NODES:,} values")
            sizes[id(node)] = total
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise _Refused("an alias refers to itself (a recursive structure)")
        open_nodes.add(id(node))
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def read_model_text(path: Path) -> str:
    """The file's text, if it is a regular file of bounded size in UTF-8 (a BOM is allowed)."""
    try:
        info = os.stat(path)
    except OSError as e:
        raise ModelError(f"{path}: cannot read the model file ({e.strerror}).") from e
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(f"{path}: is not a regular file (a folder, pipe or device); pass a model.yaml file.")
    if info.st_size > MAX_BYTES:
        raise ModelError(f"{path}: the model file is {info.st_size:,} bytes, more than the {MAX_BYTES:,} allowed; "
                         "a model.yaml is a few kilobytes of text.")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelError(f"{path}: cannot read the model file ({e.strerror}).") from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ModelError(f"{path}: the file is UTF-16 text; save it as UTF-8.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ModelError(f"{path}: the file is not UTF-8 (byte 0x{data[e.start]:02x} at position {e.start}, "
                         "perhaps Latin-1 or Windows-1252); save it as UTF-8.") from None


def safe_load_bounded(text: str, source: str) -> object:
    """Parse YAML text into plain Python data within the bounds above; raises ModelError naming `source`."""
    if len(text) > MAX_BYTES:
        raise ModelError(f"{source}: the model text is longer than {MAX_BYTES:,} characters.")
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    except _Refused as e:
        raise ModelError(f"{source}: refused: {e}.") from None
    except RecursionError:
        raise ModelError(f"{source}: refused: nesting deeper than {MAX_DEPTH} levels.") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise ModelError(f"{source}: not valid YAML{line}: {shorten(getattr(e, 'problem', None) or e, 120)}.") from None
    finally:
        loader.dispose()
