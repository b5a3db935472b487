"""Trend and breakdown sections of the executive page, ending at the chosen as-of date."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.charts import executive_trends as charts
from chs_app.controls import PERIOD_KINDS
from chs_app.executive_data import SHORT_NO_SCORES, figure
from chs_app.executive_data import table as cached_table
from chs_app.format import MONEY_COLUMN, PCT_COLUMN, count, money, percent_columns
from chs_core.kpis.benchmarks import band_applies
from chs_core.kpis.health import breakdown
from chs_core.kpis.periods import month_end
from chs_core.model import Model
from chs_core.settings import setting

BREAKDOWN_BY = {"segment": "Segment", "region": "Region", "csm": "CSM"}
CHART_CONFIG = {"displayModeBar": False}


def _x_range(trend: pd.DataFrame, history: pd.DataFrame, as_of: date) -> tuple[date, date] | None:
    starts = [d for d in (trend["period_end"].min() if len(trend) else None,
                          history["as_of"].min() if len(history) else None) if d is not None]
    return (min(pd.Timestamp(d) for d in starts).date(), as_of) if starts else None


def trends(trend: pd.DataFrame, history: pd.DataFrame, kind: str, as_of: date, no_scores: str | None,
           key: str) -> None:
    """GRR/NRR, average health and at-risk ARR, each on its own chart, on one time axis ending at `as_of`.

    trend: retention_trend rows (partial months already left out); history: health_history up to as_of.
    no_scores: why there is no health history (thin data), or None.
    """
    st.subheader(f"Trends to {as_of:%d %b %Y}")
    trend = trend.assign(period_end=[month_end(m) for m in trend["end"]]) if len(trend) else trend.assign(period_end=[])
    x_range = _x_range(trend, history, as_of)
    left, middle, right = st.columns(3, gap="medium")
    with left:
        st.markdown(f"**GRR and NRR** · {PERIOD_KINDS[kind].lower()} periods")
        if trend.empty:
            st.info(f"No {PERIOD_KINDS[kind].lower()} period ends by {as_of:%b %Y} with a cohort at its start: the "
                    "ARR history is too short. Pick a shorter period or a later as-of date.", icon=":material/history:")
        else:
            fig = figure("retention_trend", key, lambda: charts.retention_trend_figure(trend, band_applies("grr", kind),
                                                                                     x_range))
            st.plotly_chart(fig,
                            key="executive_retention_trend", config=CHART_CONFIG)
            bands = "" if band_applies("grr", kind) else " Benchmark bands are annual, so they are drawn for 12-month periods only."
            st.caption(f"Hollow grey points: fewer than {setting('small_cohort_accounts')} starting accounts, too few to "
                       f"mean much (n in the hover).{bands}")
    if no_scores:
        with middle:
            st.markdown("**Average health** · month ends")
            st.info(SHORT_NO_SCORES, icon=":material/data_alert:")
        return
    with middle:
        st.markdown("**Average health** · month ends")
        fig = figure("health_trend", key, lambda: charts.health_trend_figure(history, x_range))
        st.plotly_chart(fig, key="executive_health_trend", config=CHART_CONFIG)
    with right:
        st.markdown("**At-risk ARR** · month ends")
        fig = figure("at_risk_trend", key, lambda: charts.at_risk_trend_figure(history, x_range))
        st.plotly_chart(fig, key="executive_at_risk_trend", config=CHART_CONFIG)


def _breakdown_table(table: pd.DataFrame, by: str, tiers: list[str]) -> None:
    table = table.assign(all_accounts=table["accounts"] + table["unscored_accounts"],
                         all_arr=table["arr"] + table["unscored_arr"])
    shown = percent_columns(table[[by, "all_accounts", "all_arr", "accounts", "avg_health", "arr_weighted_health",
                                   "at_risk_arr", "at_risk_share", *[t for t in tiers if t in table.columns]]],
                            ["at_risk_share"])
    st.dataframe(shown, hide_index=True, key="executive_breakdown_table", column_config={
        by: BREAKDOWN_BY[by], "all_accounts": st.column_config.NumberColumn("Accounts", format="%,d"),
        "all_arr": st.column_config.NumberColumn("ARR", format=MONEY_COLUMN),
        "accounts": st.column_config.NumberColumn("Scored", format="%,d"),
        "avg_health": st.column_config.NumberColumn("Avg health", format="%.1f"),
        "arr_weighted_health": st.column_config.NumberColumn("ARR-wtd health", format="%.1f"),
        "at_risk_arr": st.column_config.NumberColumn("At-risk ARR", format=MONEY_COLUMN),
        "at_risk_share": st.column_config.NumberColumn("At-risk share", format=PCT_COLUMN),
    })


@st.fragment  # switching segment / region / CSM reruns only this section
def breakdowns(scores: pd.DataFrame, model: Model, no_scores: str | None, key: str) -> None:
    st.subheader("By segment, region and CSM")
    by = st.radio("Break down by", list(BREAKDOWN_BY), format_func=BREAKDOWN_BY.get, horizontal=True,
                  **state.bound(state.EXEC_BREAKDOWN_BY))
    tiers = list(model.tier_names())
    table = cached_table("breakdown", f"{key}|{by}", lambda: breakdown(scores, by, None, tiers))
    if no_scores:
        st.info(f"{SHORT_NO_SCORES} Below: accounts and ARR per {BREAKDOWN_BY[by].lower()} "
                f"({count(int(table['unscored_accounts'].sum()), 'account')}, {money(float(table['unscored_arr'].sum()))}).",
                icon=":material/data_alert:")
    else:
        fig = figure("breakdown", f"{key}|{by}", lambda: charts.breakdown_figure(table[table["accounts"] > 0], by))
        st.plotly_chart(fig, key="executive_breakdown_chart",
                        config=CHART_CONFIG)
    _breakdown_table(table, by, tiers)
