"""Plotly figure builders for the executive page: data in, `go.Figure` out (no streamlit, unit-tested)."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from chs_app.format import money, pct
from chs_core.kpis.retention import RetentionKpis, bridge_amounts

FONT = dict(family="Inter, Segoe UI, sans-serif", size=13)
GREY = "#64748b"
LOSS = "#dc2626"
GAIN = "#16a34a"
NEUTRAL = "#2563eb"


def _layout(fig: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=15)) if title else None,
        height=height, margin=dict(l=10, r=10, t=50 if title else 20, b=10), font=FONT,
        plot_bgcolor="white", paper_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    )
    fig.update_xaxes(showgrid=False, linecolor="#cbd5e1")
    fig.update_yaxes(gridcolor="#e2e8f0", zeroline=False)
    return fig


def bridge_figure(kpis: RetentionKpis, start_label: str = "Start ARR", end_label: str = "End ARR") -> go.Figure:
    """ARR waterfall: start − churn − contraction + expansion + new = end (the bars add up by construction)."""
    steps = bridge_amounts(kpis)
    labels = [{"start_arr": start_label, "end_arr": end_label}.get(s.key, s.label) for s, _, _ in steps]
    values = [amount * (s.sign or 1) for s, amount, _ in steps]
    signs = {-1: "−", 0: "", 1: "+"}
    start, churn, contraction, expansion, new, end = (amount for _, amount, _ in steps)
    fig = go.Figure(go.Waterfall(
        x=labels, y=values, measure=[s.measure for s, _, _ in steps],
        text=[signs[s.sign] + money(amount) for s, amount, _ in steps],
        textposition="outside", cliponaxis=False,
        decreasing=dict(marker=dict(color=LOSS)), increasing=dict(marker=dict(color=GAIN)),
        totals=dict(marker=dict(color=NEUTRAL)), connector=dict(line=dict(color="#94a3b8", width=1)),
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    low = min(start, end) - churn - contraction
    fig.update_yaxes(tickprefix="$", tickformat="~s", range=[max(0, low * 0.85), max(start, end) * 1.12 + expansion + new])
    return _layout(fig, height=380)


def score_distribution_figure(scores: pd.Series, tiers: Sequence[tuple[str, float, str]], at_risk_below: float,
                              bin_size: float = 5.0) -> go.Figure:
    """Histogram of health scores, one stacked trace per tier in its colour, with the at-risk cut-off marked.

    `tiers` is (name, min_score, colour) from best to worst.
    """
    fig = go.Figure()
    ordered = sorted(tiers, key=lambda t: t[1])
    bounds = [t[1] for t in ordered[1:]] + [float("inf")]
    valid = scores.dropna()
    for (name, low, colour), high in zip(ordered, bounds):
        in_tier = valid[(valid >= low) & (valid < high)]
        fig.add_trace(go.Histogram(x=in_tier, name=f"{name} ({len(in_tier):,})", marker_color=colour,
                                   xbins=dict(start=0, end=100 + bin_size, size=bin_size),
                                   hovertemplate="score %{x}: %{y} accounts<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.add_vline(x=at_risk_below, line_dash="dash", line_color="#0f172a",
                  annotation_text=f"at-risk cut-off {at_risk_below:g}", annotation_position="top left")
    fig.update_xaxes(title="health score", range=[0, 100 + bin_size])
    fig.update_yaxes(title="accounts")
    return _layout(fig, height=360)


def tier_outcomes_figure(outcomes: pd.DataFrame, colours: dict[str, str], horizon_label: str = "90 days") -> go.Figure:
    """Share of accounts and of ARR per tier that churned or contracted within the horizon.

    `outcomes`: one row per tier with `tier`, `account_loss_share`, `arr_loss_share`, `accounts`.
    """
    fig = go.Figure()
    for column, name, opacity in (("account_loss_share", "share of accounts", 1.0), ("arr_loss_share", "share of ARR", 0.55)):
        fig.add_trace(go.Bar(
            x=outcomes["tier"], y=outcomes[column], name=name, opacity=opacity,
            marker_color=[colours.get(t, GREY) for t in outcomes["tier"]],
            text=[pct(v) for v in outcomes[column]], textposition="outside", cliponaxis=False,
            customdata=outcomes["accounts"],
            hovertemplate="%{x}: %{text} of " + name.split()[-1] + " churned or contracted (n=%{customdata:,})<extra></extra>"))
    top = float(outcomes[["account_loss_share", "arr_loss_share"]].max().max() or 0.1)
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", range=[0, top * 1.25 + 0.01],
                     title=f"churned or contracted within {horizon_label}")
    return _layout(fig, height=340)


def retention_trend_figure(trend: pd.DataFrame, x_label: str = "period end") -> go.Figure:
    """GRR and NRR over time with their benchmark bands (GRR 85-95%, NRR 100-130%).

    `trend`: columns `period_end`, `grr`, `nrr`.
    """
    fig = go.Figure()
    fig.add_hrect(y0=0.85, y1=0.95, fillcolor="#fde68a", opacity=0.25, line_width=0,
                  annotation_text="GRR benchmark 85-95%", annotation_position="bottom left")
    fig.add_hrect(y0=1.00, y1=1.30, fillcolor="#bbf7d0", opacity=0.25, line_width=0,
                  annotation_text="NRR benchmark 100-130%", annotation_position="top left")
    for column, name, colour in (("grr", "GRR", "#b45309"), ("nrr", "NRR", "#15803d")):
        fig.add_trace(go.Scatter(x=trend["period_end"], y=trend[column], name=name, mode="lines+markers",
                                 line=dict(color=colour, width=2.5),
                                 hovertemplate=name + " %{x|%b %Y}: %{y:.1%}<extra></extra>"))
    values = pd.concat([trend["grr"], trend["nrr"]]).dropna()
    low = min(0.8, float(values.min()) - 0.02) if len(values) else 0.8
    high = max(1.15, float(values.max()) + 0.02) if len(values) else 1.15
    fig.update_yaxes(tickformat=".0%", range=[low, high])
    fig.update_xaxes(title=x_label)
    return _layout(fig, height=340)


def health_trend_figure(history: pd.DataFrame) -> go.Figure:
    """Average health (line, left axis) and at-risk ARR (bars, right axis) per as-of date.

    `history`: columns `as_of`, `avg_health`, `arr_weighted_health`, `at_risk_arr`, `at_risk_share`.
    """
    fig = go.Figure()
    fig.add_trace(go.Bar(x=history["as_of"], y=history["at_risk_arr"], name="at-risk ARR", marker_color="#fca5a5",
                         yaxis="y2", customdata=history["at_risk_share"],
                         hovertemplate="%{x|%b %Y}: $%{y:,.0f} at risk (%{customdata:.1%} of ARR)<extra></extra>"))
    fig.add_trace(go.Scatter(x=history["as_of"], y=history["avg_health"], name="average health", mode="lines+markers",
                             line=dict(color=NEUTRAL, width=2.5), hovertemplate="%{x|%b %Y}: %{y:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=history["as_of"], y=history["arr_weighted_health"], name="ARR-weighted health",
                             mode="lines", line=dict(color="#7c3aed", width=2, dash="dot"),
                             hovertemplate="%{x|%b %Y}: %{y:.1f}<extra></extra>"))
    fig.update_layout(yaxis=dict(title="health score", range=[0, 100]),
                      yaxis2=dict(title="at-risk ARR", overlaying="y", side="right", tickprefix="$", tickformat=".3~s",
                                  showgrid=False, tickmode="auto", nticks=6,
                                  range=[0, float(history["at_risk_arr"].max() or 1) * 1.15]))
    _layout(fig, height=360)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0))
    return fig


def breakdown_figure(breakdown: pd.DataFrame, by: str) -> go.Figure:
    """ARR per group split into at-risk and not at-risk, biggest group on top, with its at-risk share.

    `breakdown`: columns `<by>`, `arr`, `at_risk_arr`, `at_risk_share`, `avg_health`.
    """
    data = breakdown.sort_values("arr")
    safe = data["arr"] - data["at_risk_arr"]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=data[by], x=safe, orientation="h", name="not at risk", marker_color="#93c5fd",
                         hovertemplate="%{y}: $%{x:,.0f} not at risk<extra></extra>"))
    fig.add_trace(go.Bar(y=data[by], x=data["at_risk_arr"], orientation="h", name="at risk", marker_color=LOSS,
                         text=[f"{pct(s)} at risk · avg {h:.0f}" for s, h in zip(data["at_risk_share"], data["avg_health"])],
                         textposition="outside", cliponaxis=False,
                         hovertemplate="%{y}: $%{x:,.0f} at risk<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickprefix="$", tickformat="~s", range=[0, float(data["arr"].max() or 1) * 1.35])
    return _layout(fig, height=max(260, 34 * len(data) + 90))
