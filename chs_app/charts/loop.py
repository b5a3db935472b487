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


def days_to_touch_figure(flags: pd.DataFrame, target_days: int, max_days: int = 91) -> go.Figure:
    """Histogram of days from flag to first touch in weeks (1-7, 8-14, ...), the rest in one last bar;
    bars within the target green, later red; the target marked."""
    days = pd.to_numeric(flags["days_to_touch"], errors="coerce").dropna()
    weeks = max(1, max_days // 7)
    edges = np.array([0.5 + 7 * i for i in range(weeks + 1)] + [np.inf])  # half-day edges: day 7 ends week 1
    counts, _ = np.histogram(days, bins=edges)
    centres = [7 * i + 4 for i in range(weeks + 1)]
    colours = [GAIN if 7 * i + 7 <= target_days else LOSS for i in range(weeks + 1)]
    labels = [f"{7 * i + 1}-{7 * i + 7} days" for i in range(weeks)] + [f"over {7 * weeks} days"]
    fig = go.Figure(go.Bar(x=centres, y=counts, width=6.6, marker_color=colours, customdata=labels,
                           hovertemplate="%{customdata}: %{y} flags<extra></extra>"))
    fig.add_vline(x=target_days + 0.5, line=dict(color=GREY, dash="dash", width=1.5))
    fig.add_annotation(x=target_days + 0.5, y=1, yref="paper", text=f"target {target_days} days", showarrow=False,
                       xanchor="left", yanchor="top", font=dict(size=11, color=GREY))
    fig.update_xaxes(title="days from flag to first CSM touch", range=[0, 7 * weeks + 8])
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
                  annotation_text=f"target > {target:.0%}", annotation_position="bottom right",
                  annotation_font=dict(size=11, color=LOSS), annotation_bgcolor="white")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], title="not churned or contracted")
    return _layout(fig, "Saved at the horizon, by response (95% Wilson interval)")
