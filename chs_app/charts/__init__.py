"""Figure builders: one module per page, plotly figures built from core frames (no Streamlit calls)."""
