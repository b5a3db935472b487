"""Plotly figure builders for the closing-the-loop page (no Streamlit calls)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chs_app.charts.executive import FONT, GAIN, GREY, LOSS, NEUTRAL
from chs_core.outcomes.loop import OutcomeGroup


def _layout(fig: go.Figure, title: str, height: int = 340) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=15)), height=height, font=FONT,
                      margin=dict(l=10, r=10, t=50, b=10), plot_bgcolor="white", paper_bgcolor="white",
                      showlegend=False, bargap=0.08)
    fig.update_xaxes(showgrid=False, linecolor="#cbd5e1")
    fig.update_yaxes(gridcolor="#e2e8f0", zeroline=False)
    return fig


def days_to_touch_figure(flags: pd.DataFrame, target_days: int, max_days: int = 90) -> go.Figure:
    """Histogram of days from flag to first touch (weekly bins), in time green, later red; the target marked."""
    days = pd.to_numeric(flags["days_to_touch"], errors="coerce").dropna()
    days = days.clip(upper=max_days)
    edges = np.arange(0, max_days + 8, 7)
    counts, _ = np.histogram(days, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [GAIN if hi <= target_days else LOSS for hi in edges[1:]]
    labels = [f"{lo + 1}-{hi} days" if hi <= max_days else f"over {max_days} days" for lo, hi in zip(edges[:-1], edges[1:])]
    fig = go.Figure(go.Bar(x=centres, y=counts, width=6.6, marker_color=colours, customdata=labels,
                           hovertemplate="%{customdata}: %{y} flags<extra></extra>"))
    fig.add_vline(x=target_days, line=dict(color=GREY, dash="dash", width=1.5))
    fig.add_annotation(x=target_days, y=1, yref="paper", text=f"target {target_days} days", showarrow=False,
                       xanchor="left", yanchor="top", font=dict(size=11, color=GREY))
    fig.update_xaxes(title="days from flag to first CSM touch", range=[0, max_days + 7])
    fig.update_yaxes(title="flags")
    return _layout(fig, "How long until a CSM touched a flagged account")


def outcome_figure(groups: Sequence[OutcomeGroup], target: float) -> go.Figure:
    """Share saved per response group, with the 95% interval as error bars and the target line."""
    shown = [g for g in groups if g.flags > 0]
    names = [f"{g.group}<br>({g.flags:,} flags)" for g in shown]
    share = [g.share_saved for g in shown]
    fig = go.Figure(go.Bar(
        x=names, y=share, marker_color=[GAIN if g.group == "touched in time" else NEUTRAL if "later" in g.group else GREY
                                        for g in shown],
        error_y=dict(type="data", symmetric=False, color="#334155", thickness=1.5, width=6,
                     array=[g.ci_high - g.share_saved for g in shown],
                     arrayminus=[g.share_saved - g.ci_low for g in shown]),
        text=[f"{s:.0%}" for s in share], textposition="inside", insidetextanchor="start",
        hovertemplate="%{x}: %{y:.1%} saved<extra></extra>"))
    fig.add_hline(y=target, line=dict(color=LOSS, dash="dash", width=1.5),
                  annotation_text=f"target > {target:.0%}", annotation_position="top left")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], title="not churned or contracted")
    return _layout(fig, "Saved at the horizon, by response (95% Wilson interval)")
