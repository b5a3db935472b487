"""Validation: every problem in a data source against the contract, with its table, column and fix."""
from chs_core.validation.checks import errors_only, require_valid, validate_dataset

__all__ = ["errors_only", "require_valid", "validate_dataset"]
