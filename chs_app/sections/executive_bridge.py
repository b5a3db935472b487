"""The ARR bridge section: bars that add up, the accounts behind each bar, and whether we saw the losses coming."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.charts import executive as charts
from chs_app.download import csv_bytes
from chs_app.executive_data import figure
from chs_app.executive_data import table as cached_table
from chs_app.format import MONEY_COLUMN, count, money, money_full, pct
from chs_app.links import account_link_column, account_url
from chs_core.kpis.bridge_health import flagged_share
from chs_core.kpis.periods import month_end
from chs_core.kpis.retention import RetentionKpis, bridge_amounts

AMOUNT_LABELS = {"churn": "ARR lost", "contraction": "ARR lost", "expansion": "ARR gained", "new": "New ARR"}
MOVEMENT_LABELS = {"churn": "Churn", "contraction": "Contraction", "expansion": "Expansion", "new": "New business"}
LOSSES = ("churn", "contraction")
LOSS_WORDS = {"churn": "churned ARR", "contraction": "ARR lost to contraction"}


def _select_bar_from_chart() -> None:
    """A click on a movement bar selects its accounts below (the radio keeps the choice, also in the URL)."""
    event = st.session_state.get(state.EXEC_BRIDGE_CHART)
    points = (event or {}).get("selection", {}).get("points", [])
    keys = [p.get("customdata") for p in points if p.get("customdata") in MOVEMENT_LABELS]
    if keys:
        st.session_state[state.EXEC_BRIDGE_BAR] = keys[0]


def _account_links(rows: pd.DataFrame, since: date) -> list[str]:
    """Each account's page at its link date (a churned account's last paid month end), compared from the start."""
    return [account_url(a, d, since if d > since else None) for a, d in zip(rows["account_id"], rows["link_as_of"])]


def _movement_table(health: pd.DataFrame, accounts: pd.DataFrame, kind: str, since: date) -> pd.DataFrame:
    rows = health[health["movement"] == kind].merge(accounts, on="account_id", how="left")
    rows["open"] = _account_links(rows, since)
    rows["amount"] = rows["change"].abs()  # the size of the bar's share; the bar itself says gain or loss
    rows = rows.sort_values("amount", ascending=False)
    for column in ("segment", "region", "csm"):
        rows[column] = rows[column].astype(object).where(rows[column].notna(), "—")
    columns = ["account_name", "open", "account_id", "segment", "csm", "start_arr", "end_arr", "amount"]
    if kind in LOSSES:
        columns += ["start_score", "start_tier", "flagged_before"]
    else:
        columns.insert(3, "region")
    if kind == "new":
        columns.append("reactivated")
    return rows[columns]


def _reconciliation(r: RetentionKpis) -> pd.DataFrame:
    signs = {-1: "− ", 1: "+ ", 0: ""}
    steps = bridge_amounts(r)
    return pd.DataFrame({
        "": [("= " if s.measure == "total" else signs[s.sign]) + s.label for s, _, _ in steps],
        "ARR": [money_full(amount) for _, amount, _ in steps],
        "accounts": ["" if n is None else count(n) for _, _, n in steps],
    })


def _seen_coming(health: pd.DataFrame, r: RetentionKpis) -> None:
    """Did we see it coming? The share of churned (and contracted) ARR flagged at risk before it was lost."""
    losers = health[health["movement"].isin(LOSSES)]
    if len(losers) and losers["start_score"].isna().all() and not losers["flagged_before"].any():
        st.markdown("**Did we see it coming?** Cannot tell: none of the accounts that churned or contracted had a health "
                    f"score from {month_end(r.period.start):%d %b %Y} on (too little data, or before the score history).")
        return
    parts = []
    for kind in LOSSES:
        flagged, lost = flagged_share(health, kind)
        if lost > 0:
            parts.append(f"**{pct(flagged / lost)}** of the {money(lost)} {LOSS_WORDS[kind]} ({money(flagged)})")
    if parts:
        st.markdown("**Did we see it coming?** " + "; ".join(parts) + " had been flagged at risk beforehand: "
                    f"a score below the cut-off at some month end from {month_end(r.period.start):%d %b %Y} until "
                    f"before {r.period.end:%b %Y}. Each account's start score and tier are in the table below.")


@st.fragment  # picking a bar reruns only this section
def bridge(health: pd.DataFrame, accounts: pd.DataFrame, r: RetentionKpis, key: str) -> None:
    """`health`: movement_health rows (arr_movements + start score, tier, flagged_before) for the period; `key`
    identifies the view for the chart cache."""
    st.subheader(f"ARR bridge · {r.period.label}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        fig = figure("bridge", key, lambda: charts.bridge_figure(r, f"{r.period.start:%b %Y}", f"{r.period.end:%b %Y}"))
        st.plotly_chart(fig,
                        key=state.EXEC_BRIDGE_CHART, on_select=_select_bar_from_chart, selection_mode="points",
                        config={"displayModeBar": False})
    with right:
        st.dataframe(_reconciliation(r), hide_index=True, key="executive_bridge_table")
        residual = r.start_arr - r.churn - r.contraction + r.expansion + r.new - r.end_arr
        st.caption("The bars add up exactly: start − churn − contraction + expansion + new = end"
                   + ("" if abs(residual) < 0.5 else f" (rounding {residual:,.2f})") + ". Click a bar to list its accounts.")
        _seen_coming(health, r)
    bar = st.radio("Show the accounts behind", list(MOVEMENT_LABELS), format_func=MOVEMENT_LABELS.get,
                   horizontal=True, **state.bound(state.EXEC_BRIDGE_BAR))
    start = month_end(r.period.start)
    table = cached_table("bridge_accounts", f"{key}|{bar}", lambda: _movement_table(health, accounts, bar, start))
    st.dataframe(table, hide_index=True, key="executive_bridge_accounts", height=260, column_config={
        "account_name": "Account", "open": account_link_column("ID"), "account_id": None,  # the link shows the id
        "segment": "Segment", "region": "Region", "csm": "CSM",
        "start_arr": st.column_config.NumberColumn(f"ARR {r.period.start:%b %Y}", format=MONEY_COLUMN),
        "end_arr": st.column_config.NumberColumn(f"ARR {r.period.end:%b %Y}", format=MONEY_COLUMN),
        "amount": st.column_config.NumberColumn(AMOUNT_LABELS[bar], format=MONEY_COLUMN),
        "start_score": st.column_config.NumberColumn(f"Score {month_end(r.period.start):%d %b %Y}", format="%.1f",
                                                     help="None: no score on that date (too little data then)."),
        "start_tier": f"Tier {month_end(r.period.start):%d %b %Y}",
        "flagged_before": st.column_config.CheckboxColumn("Flagged before", help=(
            "Below the at-risk cut-off at some month end from the period start until before the end month.")),
        "reactivated": st.column_config.CheckboxColumn("Returning"),
    })
    st.caption(f"{count(len(table), 'account')}, {money_full(table['amount'].sum())} {MOVEMENT_LABELS[bar].lower()}.")
    st.download_button(f"Download {MOVEMENT_LABELS[bar].lower()} accounts (CSV)", lambda: csv_bytes(table.drop(columns="open")),
                       # made when clicked, not on every rerun (thousands of rows at 100k accounts)
                       file_name=f"arr_{bar}_{r.period.end:%Y-%m}.csv", mime="text/csv", key="executive_bridge_download")
