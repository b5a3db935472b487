"""Streamlit glue shared by the pages: cached loaders, session keys, formatting, figures.

Imports go one way: pages -> chs_app -> chs_core.
"""
