"""Customer Health Score core: pure Python + DuckDB, no Streamlit (see docs/architecture.md for the rooms)."""
