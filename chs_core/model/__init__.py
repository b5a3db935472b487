"""Public entry point for the health-score model: load, validate, edit, save.

The model lives in `model.yaml`; see that file for the meaning of every key. Implementation:
`model_schema` (frozen dataclasses), `model_parse` (validation), `model_overrides`
(segment / stage overrides), `model_io` (YAML in and out).
"""
from __future__ import annotations

from chs_core.errors import ModelError
from chs_core.metrics.catalog import SignalSettings
from chs_core.model.io import dump_model_yaml, load_model, model_to_dict, save_model
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

__all__ = [
    "Alert", "Component", "ComponentOverride", "Condition", "Flag", "MetricOverride", "MetricRule", "Model",
    "ModelError", "NO_DATA_TIER", "Normalisation", "Override", "Overrides", "Stage", "Tier",
    "dump_model_yaml", "load_model", "model_to_dict", "parse_model", "save_model", "signal_settings",
]


def signal_settings(model: Model) -> SignalSettings:
    """The inputs metric computation needs from the model (key features, keywords)."""
    return model.signals
