"""Plotly figure builders for the cohorts page: triangle heatmaps and retention curves (no Streamlit calls)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chs_app.charts.executive import FONT

# Red (low) -> yellow -> green (high); NRR is centred on 100%.
SCALE = [[0.0, "#d73027"], [0.5, "#fee08b"], [1.0, "#1a9850"]]
MAX_TEXT_COLUMNS = 13
CURVE_COLOURS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
                 "#4b5563", "#65a30d", "#7c3aed", "#0d9488"]


def row_labels(sizes: pd.Series) -> list[str]:
    """Cohort names with their sizes, e.g. '2025 Q1 · 57'."""
    return [f"{name} · {n:,}" for name, n in sizes.items()]


def heatmap_figure(values: pd.DataFrame, sizes: pd.Series, observed: pd.DataFrame, title: str,
                   low: float, high: float) -> go.Figure:
    """Triangle heatmap: rows are cohorts (with sizes), columns months since start; empty cells stay blank."""
    z = values.to_numpy(dtype=float)
    # Numbers in the cells only while they fit; hovering a cell always shows its value and count.
    text = np.where(np.isnan(z) | (z.shape[1] > MAX_TEXT_COLUMNS), "", np.char.mod("%.0f%%", np.nan_to_num(z) * 100))
    labels = row_labels(sizes)
    x = [str(k) for k in values.columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=labels, text=text, texttemplate="%{text}", textfont=dict(size=10), colorscale=SCALE,
        zmin=low, zmax=high, xgap=1, ygap=1, hoverinfo="skip", colorbar=dict(tickformat=".0%", thickness=10, len=0.8)))
    # Streamlit cannot select heatmap cells (streamlit#8760), so an invisible marker on each filled cell carries
    # the hover text and the click.
    rows, cols = np.nonzero(~np.isnan(z))
    counts = observed.to_numpy()
    fig.add_trace(go.Scatter(
        x=[x[c] for c in cols], y=[labels[r] for r in rows], mode="markers", showlegend=False,
        marker=dict(symbol="square", size=max(6, min(22, 520 // max(1, len(x)))), opacity=0),
        selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
        customdata=np.column_stack([z[rows, cols], counts[rows, cols]]) if len(rows) else None,
        hovertemplate="%{y}<br>month %{x} since start: %{customdata[0]:.1%}<br>%{customdata[1]:,.0f} accounts in "
                      "the cell<extra></extra>"))
    height = max(280, 90 + 28 * len(labels))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=15)), height=height, font=FONT,
                      margin=dict(l=10, r=10, t=50, b=40), plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(title="months since start", side="bottom", showgrid=False, type="category")
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    return fig


def curves_figure(values: pd.DataFrame, sizes: pd.Series, title: str, reference: float | None = 1.0) -> go.Figure:
    """One line per cohort over months since start (gaps where a cohort is too young)."""
    fig = go.Figure()
    for i, (name, row) in enumerate(values.iterrows()):
        fig.add_trace(go.Scatter(
            x=list(values.columns), y=row.to_numpy(dtype=float), mode="lines+markers", name=f"{name} ({sizes[name]:,})",
            line=dict(color=CURVE_COLOURS[i % len(CURVE_COLOURS)], width=2), marker=dict(size=4),
            hovertemplate=f"{name}<br>month %{{x}}: %{{y:.1%}}<extra></extra>"))
    if reference is not None:
        fig.add_hline(y=reference, line=dict(color="#94a3b8", dash="dot", width=1))
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=15)), height=420, font=FONT,
                      margin=dict(l=10, r=10, t=50, b=10), plot_bgcolor="white", paper_bgcolor="white",
                      legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0, font=dict(size=11)))
    fig.update_xaxes(title="months since start", showgrid=False, linecolor="#cbd5e1")
    fig.update_yaxes(tickformat=".0%", gridcolor="#e2e8f0", zeroline=False)
    return fig
