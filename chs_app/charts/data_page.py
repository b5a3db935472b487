"""Plotly figure builders for the Data page: metric coverage over time (no streamlit)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from chs_app.charts.executive import layout


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    """Share of accounts with data per metric and month end; a metric never with data is left out (listed apart)."""
    fig = go.Figure()
    shown = coverage.groupby("metric")["share"].max()
    for metric in sorted(shown[shown > 0].index):
        rows = coverage[coverage["metric"] == metric].sort_values("as_of")
        fig.add_trace(go.Scatter(x=rows["as_of"], y=rows["share"], mode="lines", name=metric,
                                 hovertemplate=f"{metric}<br>%{{x|%d %b %Y}}: %{{y:.0%}} of accounts<extra></extra>"))
    layout(fig, "Share of accounts with data, per metric", height=380)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], title=None)
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02))
    return fig
