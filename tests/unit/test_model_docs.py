"""docs/model_reference.md must keep up with the parser and the metric catalogue (datasette's docs test).

Each section's table must list exactly the names the code accepts: a new key or metric
without docs fails, and so does a documented name the code no longer knows.
"""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from chs_core.metrics.catalog import FLAG_SIGNALS, METRIC_NAMES, SignalSettings
from chs_core.model.overrides import OVERRIDE_METRIC_KEYS
from chs_core.model.parse import NORM_KEYS, TOP_KEYS
from chs_core.model.schema import DIRECTIONS, MISSING_RULES, OPS, SEVERITIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "model_reference.md"
_ROW_NAME = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(doc: str, heading: str) -> str:
    """Text under `## heading` up to the next `## `."""
    start = doc.index(f"\n## {heading}\n")
    end = doc.find("\n## ", start + 1)
    return doc[start:end if end != -1 else None]


def _table_names(section: str) -> list[str]:
    """First-column names of the table rows, written as | `name` | ..."""
    return _ROW_NAME.findall(section)


def test_top_level_keys_table_matches_parser(doc):
    assert sorted(_table_names(_section(doc, "Top-level keys"))) == sorted(TOP_KEYS)


def test_every_top_level_key_has_its_own_section_or_mention(doc):
    for key in TOP_KEYS:
        assert doc.count(f"`{key}`") >= 2, f"top-level key {key!r} is only in the table"


def test_metric_table_matches_catalogue(doc):
    assert _table_names(_section(doc, "Metric names")) == list(METRIC_NAMES)


def test_flag_signal_table_matches_catalogue(doc):
    assert _table_names(_section(doc, "Flag signal names")) == [s.name for s in FLAG_SIGNALS]


@pytest.mark.parametrize("name", [
    *DIRECTIONS, *OPS, *SEVERITIES, *MISSING_RULES, *OVERRIDE_METRIC_KEYS,
    *(k for keys in NORM_KEYS.values() for k in keys), *(f.name for f in fields(SignalSettings)),
])
def test_accepted_values_and_keys_are_mentioned(doc, name):
    assert f"`{name}`" in doc
