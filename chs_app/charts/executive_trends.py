"""Trend and breakdown figures for the executive page: each on its own chart, trends on one shared time axis."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from chs_app.charts.executive import LOSS, NEUTRAL, layout
from chs_app.format import count, pct
from chs_core.kpis.benchmarks import BENCHMARKS

SMALL = "#94a3b8"
DATE_TICKS = dict(tickformat="%b %Y", nticks=4, tickangle=0)  # at most 4 labels: level labels never overlap in a third of the page


def _time_axis(fig: go.Figure, x_range: tuple[date, date] | None) -> None:
    if x_range is not None:
        fig.update_xaxes(range=[pd.Timestamp(x_range[0]) - pd.Timedelta(days=12), pd.Timestamp(x_range[1]) + pd.Timedelta(days=12)])
    fig.update_xaxes(**DATE_TICKS)


def _finish_trend(fig: go.Figure, x_range: tuple[date, date] | None, legend: bool) -> None:
    """What every trend chart shares: the common time axis, the height, and the legend below the plot (or none)."""
    _time_axis(fig, x_range)
    layout(fig, height=320)
    if legend:
        fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0))
    else:
        fig.update_layout(showlegend=False)


def retention_trend_figure(trend: pd.DataFrame, show_bands: bool = True,
                           x_range: tuple[date, date] | None = None) -> go.Figure:
    """GRR and NRR per period end; periods whose cohort is a small sample are hollow grey points off the line.

    `trend`: columns `period_end` (month end), `grr`, `nrr`, `cohort_accounts`, `small_cohort`.
    show_bands: draw the annual benchmark bands (only for 12-month periods: they do not apply to shorter ones).
    """
    fig = go.Figure()
    if show_bands:
        for key, name, colour in (("grr", "GRR", "#fde68a"), ("nrr", "NRR", "#bbf7d0")):
            band = BENCHMARKS[key]
            fig.add_hrect(y0=band.low, y1=band.high, fillcolor=colour, opacity=0.3, line_width=0,
                          annotation_text=f"{name} benchmark {band.low:.0%}–{band.high:.0%}",
                          annotation_position="bottom left" if key == "grr" else "top left")
    small = trend["small_cohort"].astype(bool) if "small_cohort" in trend else pd.Series(False, index=trend.index)
    for column, name, colour in (("grr", "GRR", "#b45309"), ("nrr", "NRR", "#15803d")):
        kept = trend[~small]
        fig.add_trace(go.Scatter(
            x=kept["period_end"], y=kept[column], name=name, mode="lines+markers", line=dict(color=colour, width=2.5),
            customdata=kept["cohort_accounts"], hovertemplate=name + " %{x|%b %Y}: %{y:.1%} (n=%{customdata:,} accounts)<extra></extra>"))
        few = trend[small]
        if len(few):
            fig.add_trace(go.Scatter(
                x=few["period_end"], y=few[column], name=f"{name}, small cohort", mode="markers", showlegend=column == "grr",
                legendgroup="small", marker=dict(color="white", line=dict(color=SMALL, width=1.5), size=8),
                customdata=few["cohort_accounts"],
                hovertemplate=name + " %{x|%b %Y}: %{y:.1%}, only n=%{customdata:,} accounts: too few to mean much<extra></extra>"))
    # The axis fits the points that mean something; when every point is a small cohort (thin data) it fits them all,
    # so none sits clipped on the axis edge.
    values = pd.concat([trend.loc[~small, "grr"], trend.loc[~small, "nrr"]]).dropna()
    if values.empty:
        values = pd.concat([trend["grr"], trend["nrr"]]).dropna()
    low = min(0.8, float(values.min()) - 0.02) if len(values) else 0.8
    high = max(1.15, float(values.max()) + 0.02) if len(values) else 1.15
    fig.update_yaxes(tickformat=".0%", range=[low, high])
    _finish_trend(fig, x_range, legend=True)
    return fig


def health_trend_figure(history: pd.DataFrame, x_range: tuple[date, date] | None = None) -> go.Figure:
    """Average health and ARR-weighted health per as-of date on a 0-100 axis.

    `history`: columns `as_of`, `avg_health`, `arr_weighted_health`, `accounts`.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history["as_of"], y=history["avg_health"], name="average health", mode="lines+markers",
                             line=dict(color=NEUTRAL, width=2.5), customdata=history["accounts"],
                             hovertemplate="%{x|%d %b %Y}: %{y:.1f} (%{customdata:,} accounts scored)<extra></extra>"))
    fig.add_trace(go.Scatter(x=history["as_of"], y=history["arr_weighted_health"], name="ARR-weighted health",
                             mode="lines", line=dict(color="#7c3aed", width=2, dash="dot"),
                             hovertemplate="%{x|%d %b %Y}: %{y:.1f} ARR-weighted<extra></extra>"))
    values = pd.concat([history["avg_health"], history["arr_weighted_health"]]).dropna()
    low = max(0.0, float(values.min()) - 10) if len(values) else 0.0
    high = min(100.0, float(values.max()) + 10) if len(values) else 100.0
    fig.update_yaxes(title="health score", range=[low, high])
    _finish_trend(fig, x_range, legend=True)
    return fig


def at_risk_trend_figure(history: pd.DataFrame, x_range: tuple[date, date] | None = None) -> go.Figure:
    """At-risk ARR per as-of date (bars), its share of scored ARR in the hover and the labels.

    `history`: columns `as_of`, `at_risk_arr`, `at_risk_share`.
    """
    fig = go.Figure(go.Bar(x=history["as_of"], y=history["at_risk_arr"], name="at-risk ARR", marker_color="#f87171",
                           customdata=history["at_risk_share"],
                           hovertemplate="%{x|%d %b %Y}: $%{y:,.0f} at risk (%{customdata:.1%} of scored ARR)<extra></extra>"))
    top = float(history["at_risk_arr"].max()) if len(history) else 0.0
    fig.update_yaxes(title="at-risk ARR", tickprefix="$", tickformat="~s", range=[0, (top or 1.0) * 1.15])
    _finish_trend(fig, x_range, legend=False)
    return fig


def breakdown_figure(breakdown: pd.DataFrame, by: str) -> go.Figure:
    """ARR per group split into at-risk and not at-risk, biggest group on top; share and average in the label.

    `breakdown`: columns `<by>`, `arr`, `at_risk_arr`, `at_risk_share`, `avg_health`, `accounts`.
    """
    data = breakdown.sort_values("arr")
    names = [f"{g}<br><span style='font-size:11px'>{pct(s)} at risk · avg {h:.0f} · {count(n)}</span>"
             for g, s, h, n in zip(data[by], data["at_risk_share"], data["avg_health"], data["accounts"])]
    safe = data["arr"] - data["at_risk_arr"]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=safe, orientation="h", name="not at risk", marker_color="#93c5fd",
                         hovertemplate="$%{x:,.0f} not at risk<extra></extra>"))
    fig.add_trace(go.Bar(y=names, x=data["at_risk_arr"], orientation="h", name="at risk", marker_color=LOSS,
                         hovertemplate="$%{x:,.0f} at risk<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickprefix="$", tickformat="~s", range=[0, float(data["arr"].max() or 1) * 1.05])
    return layout(fig, height=max(240, 46 * len(data) + 90))
