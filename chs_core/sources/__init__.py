"""Data sources: where customer data comes from, opened as contract-shaped DuckDB views."""
