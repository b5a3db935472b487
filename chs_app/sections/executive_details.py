"""The executive page's lower half in tabs: health and alerts, tier outcomes, trends, breakdowns.

Only the open tab is computed and drawn (lazy tabs), and switching tabs reruns only this fragment, so a control
change redraws the cards, the bridge and one tab instead of every chart on the page.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from chs_app import executive_data as data
from chs_app import state
from chs_app.sections import executive_health, executive_trends
from chs_core.kpis.executive import ExecutiveSummary

# Tab labels are also the values of ?section= in a shared link.
TABS = ("Health and alerts", "Tier outcomes", "Trends", "By segment, region, CSM")


@st.fragment
def details(view: data.View, scores_now: pd.DataFrame, summary: ExecutiveSummary, missing: list[str],
            no_scores: str | None) -> None:
    health, outcomes, trends, breakdowns = st.tabs(list(TABS), **state.bound(state.EXEC_SECTION))
    model, as_of = view.model, view.as_of
    if health.open:
        with health:
            if executive_health.distribution(scores_now, summary, model, missing, view.as_of_key):
                executive_health.drop_alerts(data.drop_alerts(view), model, as_of)
    if outcomes.open:
        with outcomes:
            tiers, quality = data.tier_outcomes(view)
            executive_health.tier_outcomes(tiers, quality, model, data.HORIZON_MONTHS, data.targets(),
                                           no_scores is not None, view.as_of_key)
    if trends.open:
        with trends:
            executive_trends.trends(data.retention_trend(view), data.health_trend(view), view.kind, as_of, no_scores,
                                    view.period_key)
    if breakdowns.open:
        with breakdowns:
            executive_trends.breakdowns(scores_now, model, no_scores, view.as_of_key)
