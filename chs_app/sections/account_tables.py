"""The account page's small tables (components, one component's metrics, the change terms, the events between the
compared dates) as static tables (st.table): a few rows each, read not sorted, so they are plain HTML drawn with the
page instead of a canvas grid each (the grid was most of the browser's work after the charts).

Columns carry their display names and raw values (AppTest reads the numbers); the Styler formats what is shown.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_core.workspace import Explanation

NA = "—"


def _show(frame: pd.DataFrame, columns: dict[str, str], formats: dict[str, str], alt: str) -> None:
    """`columns`: raw name -> display name, in order; `formats`: display name -> format string. st.table reads
    text cells as Markdown: a `$` is escaped, so two amounts in one cell never turn into a formula."""
    shown = frame[list(columns)].rename(columns=columns).reset_index(drop=True)
    for col in [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]:
        shown[col] = shown[col].map(lambda v: v.replace("$", "\\$") if isinstance(v, str) else v)
    st.table(shown.style.format(formats, na_rep=NA), hide_index=True, alt=alt)


def components(e: Explanation) -> None:
    c = e.components
    frame = c.assign(component=c["component"].str.capitalize(), weight=c["weight"] * 100,
                     weight_share=c["weight_share"] * 100)
    _show(frame, {"component": "Component", "weight": "Weight", "weight_share": "Re-weighted", "points": "Points",
                  "score": "Score"},
          {"Weight": "{:.0f}%", "Re-weighted": "{:.0f}%", "Points": "{:.1f}", "Score": "{:.1f}"},
          alt="Each component's weight, its weight once metrics with no data are left out, points and score")
    st.caption("Re-weighted: a component's weight once metrics with no data are left out and the rest share it.")


def metrics(rows: pd.DataFrame, component: str) -> None:
    """Six short columns so the rule keeps room on a phone; the note column only when a metric has one."""
    frame = rows.assign(weight_in_component=rows["weight_in_component"] * 100)
    columns = {"label": "Metric", "value": "Value", "rule": "Rule", "metric_score": "Score",
               "weight_in_component": "Weight", "points": "Points"}
    if (rows["status"].fillna("") != "").any():
        columns["status"] = "Note"
    _show(frame, columns, {"Score": "{:.0f}", "Weight": "{:.0f}%", "Points": "{:.2f}"},
          alt=f"The {component} metrics: value, rule, metric score, weight in the component and points")
    st.caption("Score: the metric's 0-100 score by its rule; Weight: its share of the component; Points: what it "
               "adds to the health score.")


def change_terms(terms: pd.DataFrame, from_date: date, to_date: date) -> None:
    _show(terms, {"label": "What", "value_from": f"On {from_date:%d %b}", "value_to": f"On {to_date:%d %b}",
                  "change": "Points"}, {"Points": "{:+.1f}"},
          alt="The change in points per metric and flag between the two dates")


def events(frame: pd.DataFrame) -> None:
    shown = frame.assign(date=pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d"))
    _show(shown, {"date": "Date", "what": "Event"}, {}, alt="What happened between the two dates")
