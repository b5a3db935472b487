"""Validation: every problem in a data source against the contract, with its table, column and fix."""
