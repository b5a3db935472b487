"""Validation: every problem in a data source against the contract, with its table, column and fix."""
from chs_core.validation.checks import errors_only, require_valid, validate_dataset
from chs_core.validation.ids import excluded_rows

__all__ = ["errors_only", "excluded_rows", "require_valid", "validate_dataset"]
