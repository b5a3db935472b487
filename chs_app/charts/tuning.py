"""Plotly figure builders for the tuning page: score distribution before/after, tier-migration matrix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chs_app.charts.executive import layout
from chs_app.format import count, money

PUBLISHED = "#94a3b8"
DRAFT = "#2563eb"


def distribution_figure(published: np.ndarray, draft: np.ndarray, at_risk_below: float) -> go.Figure:
    """Histograms (5-point bins) of the latest scores under the published model and the draft."""
    fig = go.Figure()
    bins = dict(start=0, end=100, size=5)
    for name, values, colour in (("Published", published, PUBLISHED), ("Draft", draft, DRAFT)):
        v = values[~np.isnan(values)]
        fig.add_trace(go.Histogram(x=v, xbins=bins, name=name, marker_color=colour, opacity=0.75,
                                   hovertemplate=f"{name}: %{{y}} accounts scored %{{x}}<extra></extra>"))
    fig.add_vline(x=at_risk_below, line_dash="dot", line_color="#dc2626",
                  annotation_text=f"at-risk cut-off {at_risk_below:g}", annotation_position="top left")
    fig.update_layout(barmode="overlay", bargap=0.05)
    fig.update_xaxes(title="Health score (latest as-of date)", range=[0, 100])
    fig.update_yaxes(title="Accounts")
    return layout(fig, "Score distribution: published vs draft", height=340)


def migration_figure(matrix: pd.DataFrame, unit: str) -> go.Figure:
    """Heatmap of tier under the published model (rows) x tier under the draft (columns); unstated cells 0."""
    keep = [t for t in matrix.index if matrix.loc[t].sum() > 0 or matrix[t].sum() > 0]
    m = matrix.loc[keep, keep]
    text = [[(money(v) if unit == "arr" else count(v)) if v else "" for v in row] for row in m.to_numpy()]
    # Colour shows the moves (off the diagonal); unchanged accounts (the diagonal) stay pale, labelled only.
    z = m.to_numpy(dtype=float)
    moves = np.where(np.eye(len(keep), dtype=bool), 0.0, z)
    fig = go.Figure(go.Heatmap(
        z=moves, x=keep, y=keep, colorscale=[[0, "#f8fafc"], [0.001, "#dbeafe"], [1, "#1d4ed8"]], zmin=0,
        zmax=max(float(moves.max()), 1.0), showscale=False, customdata=z,
        hovertemplate="published %{y} → draft %{x}: %{customdata:,.0f}<extra></extra>", xgap=2, ygap=2))
    top = max(float(moves.max()), 1.0)
    for i, row in enumerate(text):
        for j, label in enumerate(row):
            if label:  # white on the darker cells, so every count stays readable
                fig.add_annotation(x=j, y=i, text=label, showarrow=False,
                                   font=dict(size=12, color="white" if moves[i, j] > 0.5 * top else "#0f172a"))
    fig.update_yaxes(autorange="reversed", title="Published tier")
    fig.update_xaxes(title="Draft tier")
    what = "ARR" if unit == "arr" else "accounts"
    return layout(fig, f"Tier migration ({what}, latest as-of date)", height=340)
