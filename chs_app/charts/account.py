"""Plotly figure builders for the account page: data in, `go.Figure` out (no streamlit, unit-tested)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from chs_app.charts.executive import GAIN, LOSS, NEUTRAL, layout


def waterfall_figure(labels: Sequence[str], points: Sequence[float], score: float) -> go.Figure:
    """Horizontal waterfall: each term's points from 0 to the score, the total bar last (labels read on a phone)."""
    pts = list(points)
    fig = go.Figure(go.Waterfall(
        orientation="h", y=[*labels, "Score"], x=[*pts, score], measure=["relative"] * len(pts) + ["total"],
        text=[f"{p:+.1f}" for p in pts] + [f"{score:.1f}"], textposition="outside", cliponaxis=False,
        decreasing=dict(marker=dict(color=LOSS)), increasing=dict(marker=dict(color=GAIN)),
        totals=dict(marker=dict(color=NEUTRAL)), connector=dict(line=dict(color="#94a3b8", width=1)),
        hovertemplate="%{y}: %{text} pts<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title="points", range=[min(0.0, min([0.0, *np.cumsum(pts)])) - 5, 110])
    return layout(fig, height=max(320, 24 * (len(pts) + 1) + 60))


SHOWN_DAYS = 182  # the history opens on its last 26 weeks (the daily part readable); double-click shows it all


def history_figure(history: pd.DataFrame, tiers: Sequence[tuple[str, float, str]], marks: Sequence[date] = (),
                   cut_off: float | None = None) -> go.Figure:
    """Score over time on tier bands (name, min_score, colour, best first), score-drop alerts marked, and the two
    compared dates as dotted lines. It opens on the last SHOWN_DAYS days, or from the earlier compared date.

    Bands and lines are written into the layout in one go (add_hrect / add_vline re-validate the whole layout
    for each shape: most of this figure's build time)."""
    ordered = sorted(tiers, key=lambda t: t[1])
    tops = [t[1] for t in ordered[1:]] + [100.0]
    shapes = [dict(type="rect", xref="x domain", yref="y", x0=0, x1=1, y0=low, y1=high, fillcolor=colour,
                   opacity=0.14, line_width=0, layer="below") for (_, low, colour), high in zip(ordered, tops)]
    labels = [dict(xref="x domain", yref="y", x=0, y=high, text=name, showarrow=False, xanchor="left",
                   yanchor="top", font=dict(size=11)) for (name, _, _), high in zip(ordered, tops)]
    if cut_off is not None:
        shapes.append(dict(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=cut_off, y1=cut_off,
                           line=dict(color=LOSS, width=1, dash="dash")))
    for d in marks:
        x = pd.Timestamp(d).strftime("%Y-%m-%d")
        shapes.append(dict(type="line", xref="x", yref="y domain", x0=x, x1=x, y0=0, y1=1,
                           line=dict(color="#475569", width=1, dash="dot")))
    traces = [go.Scatter(x=history["as_of"], y=history["health_score"], mode="lines", name="Score",
                         line=dict(color="#0f172a", width=2), hovertemplate="%{x|%d %b %Y}: %{y:.1f}<extra></extra>")]
    alerts = history[history["alert"].astype(bool)]
    if len(alerts):
        traces.append(go.Scatter(x=alerts["as_of"], y=alerts["health_score"], mode="markers", name="Score-drop alert",
                                 marker=dict(symbol="triangle-down", size=11, color=LOSS),
                                 customdata=alerts["drop"], hovertemplate="%{x|%d %b %Y}: alert, −%{customdata:.0f} "
                                                                          "pts in the window<extra></extra>"))
    xaxis = {}
    if len(history):
        last, first = pd.Timestamp(history["as_of"].max()), pd.Timestamp(history["as_of"].min())
        start = min([last - pd.Timedelta(days=SHOWN_DAYS), *(pd.Timestamp(d) - pd.Timedelta(days=7) for d in marks)])
        if start > first:
            xaxis = dict(range=[start.strftime("%Y-%m-%d"), (last + pd.Timedelta(days=3)).strftime("%Y-%m-%d")])
    fig = go.Figure(traces, layout=dict(shapes=shapes, annotations=labels, xaxis=xaxis,
                                        yaxis=dict(range=[0, 100], title="score", fixedrange=True)))
    return layout(fig, height=340)


def usage_figure(usage: pd.DataFrame) -> go.Figure:
    """Events per week, stacked by feature, with distinct active users per feature on hover."""
    fig = go.Figure()
    for feature, rows in usage.groupby("feature", sort=True):
        fig.add_trace(go.Bar(x=rows["week"], y=rows["events"], name=str(feature), customdata=rows["active_users"],
                             hovertemplate=f"{feature}: %{{y:,}} events, %{{customdata}} users, week of "
                                           "%{x|%d %b}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="events per week")
    return layout(fig, height=320)


def arr_figure(arr: pd.DataFrame) -> go.Figure:
    """ARR per month (bars) and seats (line, right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=arr["month"], y=arr["arr"], name="ARR", marker_color=NEUTRAL,
                         hovertemplate="%{x|%b %Y}: $%{y:,.0f}<extra></extra>"), secondary_y=False)
    if arr["seats"].notna().any():
        fig.add_trace(go.Scatter(x=arr["month"], y=arr["seats"], name="Seats", mode="lines+markers",
                                 line=dict(color=GAIN), hovertemplate="%{x|%b %Y}: %{y:,} seats<extra></extra>"),
                      secondary_y=True)
    fig.update_yaxes(tickprefix="$", tickformat="~s", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(rangemode="tozero", showgrid=False, secondary_y=True)
    return layout(fig, height=300)
