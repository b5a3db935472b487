"""Plotly figure builders for the executive page: data in, `go.Figure` out (no streamlit, unit-tested).

Bridge, score distribution and tier outcomes; the trend and breakdown charts are in executive_trends.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chs_app.format import count, money, pct
from chs_core.kpis.retention import RetentionKpis, bridge_amounts

FONT = dict(family="Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif", size=13)
GREY = "#64748b"
LOSS = "#dc2626"
GAIN = "#16a34a"
NEUTRAL = "#2563eb"
MIN_TEXT = 11  # px: labels never shrink below this (phone widths)


def layout(fig: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=15)) if title else None,
        height=height, margin=dict(l=10, r=10, t=50 if title else 24, b=10), font=FONT,
        plot_bgcolor="white", paper_bgcolor="white", uniformtext=dict(minsize=MIN_TEXT, mode="show"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    )
    fig.update_xaxes(showgrid=False, linecolor="#cbd5e1", automargin=True)
    fig.update_yaxes(gridcolor="#e2e8f0", zeroline=False, automargin=True)
    return fig


def bridge_figure(kpis: RetentionKpis, start_label: str = "Start ARR", end_label: str = "End ARR") -> go.Figure:
    """ARR bridge as floating bars from a zero axis: start − churn − contraction + expansion + new = end.

    One bar trace (so a click's point index is the step); customdata holds the step key. A step with no
    amount reads "none", never "-$0".
    """
    steps = bridge_amounts(kpis)
    labels, bases, heights, colours, texts = [], [], [], [], []
    level = 0.0
    for step, amount, _ in steps:
        labels.append({"start_arr": start_label, "end_arr": end_label, "new": "New"}.get(step.key, step.label))
        if step.measure in ("absolute", "total"):
            bases.append(0.0)
            heights.append(amount)
            level = amount
            colours.append(NEUTRAL)
            texts.append(money(amount))
            continue
        bases.append(level - amount if step.sign < 0 else level)
        heights.append(amount)
        level += step.sign * amount
        colours.append(LOSS if step.sign < 0 else GAIN)
        texts.append("none" if amount == 0 else f"{'−' if step.sign < 0 else '+'}{money(amount)}")
    # Start and end ARR read inside the top of their bars, so on a phone they never collide with the labels of the
    # movements beside them (those sit just above their bars, at the same height as the start and end bar tops).
    totals = [s.measure in ("absolute", "total") for s, _, _ in steps]
    fig = go.Figure(go.Bar(
        x=labels, y=heights, base=bases, marker_color=colours, text=texts, cliponaxis=False,
        textposition=["inside" if t else "outside" for t in totals], insidetextanchor="end", textangle=0,
        textfont=dict(color=["white" if t else "#334155" for t in totals]),
        customdata=[s.key for s, _, _ in steps], hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    top = max([b + h for b, h in zip(bases, heights)] + [1.0])
    fig.update_yaxes(tickprefix="$", tickformat="~s", range=[0, top * 1.12], rangemode="tozero")
    fig.update_layout(showlegend=False, clickmode="event+select", dragmode=False, bargap=0.08)
    fig.update_xaxes(fixedrange=True)  # labels turn when a phone is too narrow for them side by side
    return layout(fig, height=380)


def score_distribution_figure(scores: pd.Series, tiers: Sequence[tuple[str, float, str]], at_risk_below: float,
                              bin_size: float = 5.0) -> go.Figure:
    """Histogram of health scores, one stacked trace per tier in its colour, with the at-risk cut-off marked.

    `tiers` is (name, min_score, colour) from best to worst. Bins of `bin_size` from 0 ([0, 5), ..., [100, 105))
    are counted here and drawn as bars: the figure holds ~20 counts per tier, not one value per account (100,000
    values made every rerun copy and send megabytes). Each bar's customdata is its tier (a click opens it).
    """
    fig = go.Figure()
    ordered = sorted(tiers, key=lambda t: t[1])
    bounds = [t[1] for t in ordered[1:]] + [float("inf")]
    valid = scores.dropna().to_numpy(dtype=float)
    edges = np.arange(0.0, 100.0 + 2 * bin_size, bin_size)  # 0, 5, ..., 105: the last bin holds 100
    for (name, low, colour), high in zip(ordered, bounds):
        in_tier = valid[(valid >= low) & (valid < high)]
        counts, _ = np.histogram(in_tier, bins=edges)
        shown = np.flatnonzero(counts)
        fig.add_trace(go.Bar(x=edges[shown] + bin_size / 2, y=counts[shown], width=bin_size * 0.95,
                             name=f"{name} ({count(len(in_tier))})", marker_color=colour, customdata=[name] * len(shown),
                             text=[f"{edges[k]:g}–{edges[k] + bin_size:g}" for k in shown], textposition="none",
                             hovertemplate="score %{text}: %{y:,} accounts<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.add_vline(x=at_risk_below, line_dash="dash", line_color="#0f172a",
                  annotation_text=f"at-risk cut-off {at_risk_below:g}", annotation_position="top left")
    fig.update_xaxes(title="health score", range=[0, 100 + bin_size])
    fig.update_yaxes(title="accounts", tickformat=",d")
    return layout(fig, height=360)


def tier_outcomes_figure(outcomes: pd.DataFrame, colours: dict[str, str], base_rate: float | None,
                         horizon_label: str = "90 days") -> go.Figure:
    """Per tier, the share of account-months that churned or contracted within the horizon, against the base rate.

    `outcomes`: one row per tier with `tier`, `account_loss_share`, `arr_loss_share`, `accounts`, `lift`.
    """
    lift = outcomes["lift"] if "lift" in outcomes else pd.Series([float("nan")] * len(outcomes))
    # The share and lift sit under each bar, in the axis labels: above the bar they collided with the base-rate
    # line whenever a tier's share was just under the base rate.
    labels = [f"{t}<br><b>{pct(v)}</b>" + ("" if pd.isna(x) else f"<br>{x:.1f}×")
              for t, v, x in zip(outcomes["tier"], outcomes["account_loss_share"], lift)]
    fig = go.Figure(go.Bar(
        x=outcomes["tier"], y=outcomes["account_loss_share"], marker_color=[colours.get(t, GREY) for t in outcomes["tier"]],
        customdata=list(zip(outcomes["accounts"], outcomes["arr_loss_share"].fillna(0.0))),
        hovertemplate="%{x}: %{y:.1%} of %{customdata[0]:,} account-months churned or contracted "
                      "(%{customdata[1]:.1%} of their ARR)<extra></extra>"))
    top = float(outcomes["account_loss_share"].max() or 0.1)
    if base_rate is not None:
        fig.add_hline(y=base_rate, line_dash="dash", line_color="#0f172a",
                      annotation_text=f"base rate {pct(base_rate)}", annotation_position="top left")
        top = max(top, base_rate)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(tickmode="array", tickvals=list(outcomes["tier"]), ticktext=labels)
    fig.update_yaxes(tickformat=".0%", range=[0, top * 1.15 + 0.01], title=f"churned or contracted within {horizon_label}")
    return layout(fig, height=340)
