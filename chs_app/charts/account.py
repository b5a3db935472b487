"""ECharts options for the account page (st.echarts_chart): data in, a JSON-ready dict out (no streamlit, unit-tested).

ECharts, not Plotly, because this page is opened many times a day one account after another: the browser loads
Streamlit's ECharts bundle (1.2 MB) in a fraction of the time of its Plotly bundle (4.7 MB) and draws these small
charts at once (no animation), which took the account page from about 2 s to under 1 s in Chromium
(docs/benchmarks.md, "Account page"). Every value is a plain float, int or ISO date string (the option is JSON).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from chs_app.charts.executive import GAIN, LOSS, NEUTRAL

MUTED = "#475569"
SHOWN_DAYS = 182  # the history opens on its last 26 weeks (the daily part readable); the slider shows it all


HEIGHTS = {"history": 360, "usage": 340, "arr": 320}  # pixels, st.echarts_chart(height=...)


def waterfall_height(terms: int) -> int:
    return max(320, 26 * (terms + 1) + 60)


def _base() -> dict:
    """What every chart here shares: no animation (the chart counts as drawn at once), a compact grid."""
    return {"animation": False, "grid": {"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True},
            "tooltip": {"trigger": "axis", "confine": True}}


def _day(d) -> str:
    return pd.Timestamp(d).strftime("%Y-%m-%d")


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def signed(p: float) -> str:
    return f"{p:+.1f}".replace("-", "−")


def waterfall_option(labels: Sequence[str], points: Sequence[float], score: float) -> dict:
    """Horizontal waterfall: each term's points from 0 to the score, the total bar last (labels read on a phone).

    Two stacked bar series: an invisible offset (where the bar starts) and the bar itself, coloured gain / loss /
    total, each labelled with its signed points; stacking every sign ('all') keeps a bar below 0 in place."""
    pts = [float(p) for p in points]
    starts, running = [], 0.0
    for p in pts:
        starts.append(min(running, running + p))
        running += p
    bars = [{"value": abs(p), "name": f"{label}: {signed(p)} pts", "itemStyle": {"color": GAIN if p >= 0 else LOSS},
             "label": {"formatter": signed(p)}} for label, p in zip(labels, pts)]
    bars.append({"value": float(score), "name": f"Score: {score:.1f}", "itemStyle": {"color": NEUTRAL},
                 "label": {"formatter": f"{score:.1f}", "fontWeight": "bold"}})
    option = _base()
    option.update({
        "tooltip": {"trigger": "item", "formatter": "{b}", "confine": True},
        "yAxis": {"type": "category", "data": [*labels, "Score"], "inverse": True, "axisTick": {"show": False}},
        "xAxis": {"type": "value", "name": "points", "nameLocation": "middle", "nameGap": 24,
                  "min": round(min([0.0, *starts]) - 5), "max": 110,  # room for the labels; ticks 0-100
                  "axisLabel": {"showMinLabel": False, "showMaxLabel": False}},
        "series": [{"type": "bar", "name": "offset", "stack": "waterfall", "stackStrategy": "all", "silent": True,
                    "itemStyle": {"color": "transparent"}, "tooltip": {"show": False},
                    "data": [*(round(s, 6) for s in starts), 0.0]},
                   {"type": "bar", "name": "points", "stack": "waterfall", "stackStrategy": "all",
                    "barCategoryGap": "30%", "label": {"show": True, "position": "right"}, "data": bars}]})
    option["grid"]["bottom"] = 28
    return option


def waterfall_labels(option: dict) -> list[tuple[str, str]]:
    """(term, label shown on its bar) of a waterfall option: what a reader sees, used by the tests."""
    return [(cat, bar["label"]["formatter"]) for cat, bar in zip(option["yAxis"]["data"], option["series"][1]["data"])]


def history_option(history: pd.DataFrame, tiers: Sequence[tuple[str, float, str]], marks: Sequence[date] = (),
                   cut_off: float | None = None) -> dict:
    """Score over time on tier bands (name, min_score, colour), score-drop alerts marked, the at-risk cut-off
    dashed, and the two compared dates as dotted lines. It opens on the last SHOWN_DAYS days, or from the earlier
    compared date; the slider under it shows the whole history."""
    ordered = sorted(tiers, key=lambda t: t[1])
    tops = [t[1] for t in ordered[1:]] + [100.0]
    bands = [[{"name": name, "yAxis": float(low), "itemStyle": {"color": colour, "opacity": 0.16}},
              {"yAxis": float(high)}] for (name, low, colour), high in zip(ordered, tops)]
    lines = [{"xAxis": _day(d), "lineStyle": {"color": MUTED, "type": "dotted"}, "label": {"show": False}}
             for d in marks]
    if cut_off is not None:
        lines.append({"yAxis": float(cut_off), "name": "at-risk cut-off",
                      "lineStyle": {"color": LOSS, "type": "dashed"}, "label": {"show": False}})
    score = {"type": "line", "name": "Score", "showSymbol": False, "lineStyle": {"color": "#0f172a", "width": 2},
             "itemStyle": {"color": "#0f172a"},
             "data": [[_day(d), _num(s)] for d, s in zip(history["as_of"], history["health_score"])],
             "markArea": {"silent": True, "label": {"position": "insideTopLeft", "fontSize": 11, "color": MUTED},
                          "data": bands},
             "markLine": {"silent": True, "symbol": "none", "data": lines}}
    series = [score]
    alerts = history[history["alert"].astype(bool)]
    if len(alerts):
        series.append({"type": "scatter", "name": "Score-drop alert", "symbol": "triangle", "symbolRotate": 180,
                       "symbolSize": 12, "itemStyle": {"color": LOSS},
                       "data": [[_day(d), _num(s), _num(p)] for d, s, p in
                                zip(alerts["as_of"], alerts["health_score"], alerts["drop"])]})
    option = _base()
    option.update({"legend": {"top": 0, "left": 0, "data": [s["name"] for s in series]},
                   "tooltip": {"trigger": "axis", "confine": True, "valueFormatter": "%.1f"},
                   "xAxis": {"type": "time"},
                   "yAxis": {"type": "value", "min": 0, "max": 100},
                   "series": series})
    option["grid"]["bottom"] = 44
    zoom = {"type": "slider", "height": 18, "bottom": 6, "labelFormatter": "{yyyy}-{MM}-{dd}", "brushSelect": False}
    if len(history):
        last, first = pd.Timestamp(history["as_of"].max()), pd.Timestamp(history["as_of"].min())
        start = min([last - pd.Timedelta(days=SHOWN_DAYS), *(pd.Timestamp(d) - pd.Timedelta(days=7) for d in marks)])
        if start > first:
            zoom.update(startValue=_day(start), endValue=_day(last))
    option["dataZoom"] = [zoom]
    return option


# 12 distinct colours (ECharts' default palette has 9 and repeats, so two features shared a colour)
FEATURE_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                   "#9c755f", "#bab0ac", "#1f3b73", "#8cd17d")


def usage_option(usage: pd.DataFrame) -> dict:
    """Events per week, stacked by feature; the tooltip of a bar gives that feature's active users that week.

    Every feature gets every week (0 where it had no events): ECharts stacks bars by position in each series, so
    series of different lengths would stack one week's bar onto another week's and leave floating gaps."""
    weeks = sorted(set(usage["week"]))
    series = []
    for i, (feature, rows) in enumerate(usage.groupby("feature", sort=True)):
        by_week = {w: (int(e), int(u)) for w, e, u in zip(rows["week"], rows["events"], rows["active_users"])}
        series.append({"type": "bar", "name": str(feature), "stack": "events",
                       "itemStyle": {"color": FEATURE_COLOURS[i % len(FEATURE_COLOURS)]},
                       "data": [[_day(w), *by_week.get(w, (0, 0))] for w in weeks],
                       "tooltip": {"formatter": "{a}, week of {@[0]}: {@[1]} events, {@[2]} active users"}})
    option = _base()
    option.update({"legend": {"top": 0, "left": 0, "type": "scroll"}, "tooltip": {"trigger": "item", "confine": True},
                   "xAxis": {"type": "time"}, "yAxis": {"type": "value"},
                   "series": series})
    option["grid"]["top"] = 48
    return option


def arr_option(arr: pd.DataFrame) -> dict:
    """ARR per month (bars, left axis) and seats (line, right axis; left out when no month has seats)."""
    series = [{"type": "bar", "name": "ARR", "itemStyle": {"color": NEUTRAL}, "tooltip": {"valueFormatter": "dollar"},
               "data": [[_day(m), _num(a)] for m, a in zip(arr["month"], arr["arr"])]}]
    axes = [{"type": "value", "min": 0, "axisLabel": {"formatter": "${value}"}}]
    if arr["seats"].notna().any():
        series.append({"type": "line", "name": "Seats", "yAxisIndex": 1, "itemStyle": {"color": GAIN},
                       "data": [[_day(m), _num(s)] for m, s in zip(arr["month"], arr["seats"])]})
        axes.append({"type": "value", "min": 0, "splitLine": {"show": False}})
    option = _base()
    option.update({"legend": {"top": 0, "left": 0}, "xAxis": {"type": "time"}, "yAxis": axes, "series": series})
    return option
