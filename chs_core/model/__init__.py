"""The health-score model: parse and validate model.yaml (schema, parse, overrides), read and write it (io, store),
edit it (edits).

Untrusted YAML is read within fixed bounds (yaml_safe).
Import order has no cycle: schema, yaml_safe <- context <- overrides <- parse <- io <- store, edits.
"""
from __future__ import annotations

from chs_core.errors import ModelError
from chs_core.model.io import dump_model_yaml, load_model, load_model_text, model_to_dict
from chs_core.model.overrides import effective_model
from chs_core.model.parse import parse_model
from chs_core.model.schema import (
    NO_DATA_TIER,
    Alert,
    Component,
    ComponentOverride,
    Condition,
    Flag,
    MetricOverride,
    MetricRule,
    Model,
    Normalisation,
    Override,
    Overrides,
    Stage,
    Tier,
)
from chs_core.model.store import Version, list_versions, save_model

__all__ = [
    "Alert", "Component", "ComponentOverride", "Condition", "Flag", "MetricOverride", "MetricRule", "Model",
    "ModelError", "NO_DATA_TIER", "Normalisation", "Override", "Overrides", "Stage", "Tier", "Version",
    "dump_model_yaml", "effective_model", "list_versions", "load_model", "load_model_text", "model_to_dict", "parse_model",
    "save_model",
]
