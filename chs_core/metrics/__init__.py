"""Metrics: per-account, point-in-time inputs to the score, computed in DuckDB SQL."""
