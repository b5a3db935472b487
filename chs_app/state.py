"""Session-state keys shared across pages, in one place so pages agree on them."""

# Sidebar filters live in the entrypoint (app.py), so they persist when moving between pages.
FILTER_SEGMENT = "filter_segment"
FILTER_REGION = "filter_region"
FILTER_CSM = "filter_csm"

# Executive page controls.
EXEC_PERIOD_KIND = "executive_period_kind"
EXEC_END_MONTH = "executive_end_month"
EXEC_BRIDGE_BAR = "executive_bridge_bar"
EXEC_BREAKDOWN_BY = "executive_breakdown_by"
