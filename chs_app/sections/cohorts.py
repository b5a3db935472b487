"""Sections of the cohorts page: grouping control, the two triangles, curves, and the accounts behind a cell."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.charts import cohorts as charts
from chs_app.download import csv_bytes
from chs_app.format import money, money_full, pct
from chs_core.kpis.cohorts import DEFINITIONS, TIME_BY, CohortTable, cell_accounts, triangle_frame

BY_LABELS = {"start_quarter": "Start quarter", "start_month": "Start month", "segment": "Segment",
             "industry": "Industry", "arr_band": "ARR band (starting ARR)", "acquisition_channel": "Acquisition channel"}
STATUS_LABELS = {"churned": "Churned", "contracted": "Contracted", "expanded": "Expanded", "flat": "Flat"}


def grouping(options: list[str]) -> str:
    if st.session_state.get(state.COHORT_BY) not in options:
        st.session_state[state.COHORT_BY] = options[0]
    by = st.segmented_control("Cohorts by", options, format_func=BY_LABELS.get, key=state.COHORT_BY,
                              selection_mode="single", required=True,
                              help="Start quarter or month of customer_since (else the first month with ARR), or "
                                   "an account attribute; columns are always months since each account's start.")
    return by or options[0]


def summary(table: CohortTable, filters: str) -> None:
    n, arr = int(table.sizes.sum()), float(table.start_arr.sum())
    left_out = {reason: count for reason, count in table.left_out.items() if count}
    text = (f"**{n:,} accounts** in {len(table.sizes):,} {'cohorts' if table.by in TIME_BY else 'groups'}, "
            f"{money(arr)} starting ARR, followed to **{table.end_month:%b %Y}** · {filters}.")
    if left_out:
        text += " Left out: " + ", ".join(f"{c:,} {reason}" for reason, c in left_out.items()) + "."
    st.markdown(text, help=DEFINITIONS["left_out"])


def _clicked(key: str, table: CohortTable) -> tuple[str, int] | None:
    """The cell clicked in a heatmap (selection state from the previous run), as (cohort, months since start)."""
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    if not points:
        return None
    label, age = points[0].get("y"), points[0].get("x")
    names = dict(zip(charts.row_labels(table.sizes), table.sizes.index))
    if label not in names or age is None:
        return None
    return names[label], int(age)


def apply_click(table: CohortTable) -> None:
    """A heatmap click picks the cell shown below (set before the pickers exist, as Streamlit requires)."""
    for key in (state.COHORT_HEATMAP_LOGO, state.COHORT_HEATMAP_NRR):
        cell = _clicked(key, table)
        if cell is not None and st.session_state.get(state.COHORT_LAST_CLICK) != (key, cell):
            st.session_state[state.COHORT_LAST_CLICK] = (key, cell)
            st.session_state[state.COHORT_CELL_COHORT], st.session_state[state.COHORT_CELL_AGE] = cell


def triangles(table: CohortTable) -> None:
    st.subheader("Retention triangle")
    st.caption(f"Rows: cohorts with their number of accounts. Columns: months since start (0 = the start month). "
               f"{DEFINITIONS['empty']} Click a cell to list its accounts below.")
    left, right = st.columns(2, gap="large")
    with left:
        st.plotly_chart(charts.heatmap_figure(table.logo, table.sizes, table.observed, "Logo retention (accounts)",
                                              0.5, 1.0), key=state.COHORT_HEATMAP_LOGO, on_select="rerun",
                        selection_mode="points")
        st.caption(DEFINITIONS["logo"])
    with right:
        st.plotly_chart(charts.heatmap_figure(table.nrr, table.sizes, table.observed, "Net revenue retention (ARR)",
                                              0.5, 1.5), key=state.COHORT_HEATMAP_NRR, on_select="rerun",
                        selection_mode="points")
        st.caption(DEFINITIONS["nrr"])
    if table.by not in TIME_BY:
        st.caption("For a group (not a start cohort) a cell counts the group's accounts that are old enough for it, so "
                   "later months rest on the older accounts only; hover a cell for its count.")
    else:
        st.caption("A start cohort's cell is filled once every account in it has reached that month.")


def curves(table: CohortTable) -> None:
    st.subheader("Retention curves")
    left, right = st.columns(2, gap="large")
    with left:
        st.plotly_chart(charts.curves_figure(table.logo, table.sizes, "Logo retention by months since start"),
                        key="cohort_curves_logo")
    with right:
        st.plotly_chart(charts.curves_figure(table.nrr, table.sizes, "NRR by months since start"),
                        key="cohort_curves_nrr")


def _cell_picker(table: CohortTable) -> tuple[str, int]:
    cohorts = list(table.sizes.index)
    if st.session_state.get(state.COHORT_CELL_COHORT) not in cohorts:
        st.session_state[state.COHORT_CELL_COHORT] = cohorts[0]
    left, right = st.columns([2, 1])
    cohort = left.selectbox("Cohort", cohorts, key=state.COHORT_CELL_COHORT,
                            format_func=lambda c: f"{c} ({table.sizes[c]:,} account{'s' if table.sizes[c] != 1 else ''})")
    filled = [int(k) for k in table.observed.columns if table.observed.loc[cohort, k] > 0]
    if st.session_state.get(state.COHORT_CELL_AGE) not in filled:
        st.session_state[state.COHORT_CELL_AGE] = filled[-1] if filled else 0
    age = right.selectbox("Months since start", filled or [0], key=state.COHORT_CELL_AGE)
    return cohort, int(age)


def cell(table: CohortTable, accounts: pd.DataFrame) -> None:
    st.subheader("Accounts behind a cell")
    cohort, age = _cell_picker(table)
    rows = cell_accounts(table, cohort, age)
    if rows.empty:
        st.info(f"{cohort} has no account {age} months after its start yet: the cell is empty.")
        return
    extra = [c for c in ("segment", "csm") if c in accounts]
    rows = rows.merge(accounts[["account_id", *extra]], on="account_id", how="left")
    paying, n = int((rows["arr"] > 0).sum()), len(rows)
    st.markdown(f"**{cohort}**, month {age} since start: **{paying:,} of {n:,}** accounts paying "
                f"({pct(paying / n)} logo retention), {money_full(rows['arr'].sum())} of "
                f"{money_full(rows['start_arr'].sum())} starting ARR ({pct(rows['arr'].sum() / rows['start_arr'].sum())} NRR).")
    shown = rows[["account_name", "account_id", *extra, "start_month", "month", "start_arr", "arr", "status",
                  "reactivated"]]
    st.dataframe(shown, hide_index=True, key="cohort_cell_table", height=300, column_config={
        "account_name": "Account", "account_id": "ID", "segment": "Segment", "csm": "CSM",
        "start_month": st.column_config.DateColumn("Start month", format="MMM YYYY"),
        "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
        "start_arr": st.column_config.NumberColumn("Starting ARR", format="$%,.0f"),
        "arr": st.column_config.NumberColumn("ARR that month", format="$%,.0f"),
        "status": "Against start", "reactivated": st.column_config.CheckboxColumn("Came back"),
    })
    left, right = st.columns(2)
    left.download_button("Download these accounts (CSV)", csv_bytes(shown),
                         file_name=f"cohort_{cohort}_m{age}.csv".replace(" ", "_"), mime="text/csv",
                         key="cohort_cell_download")
    both = triangle_frame(table, "logo").merge(triangle_frame(table, "nrr").drop(columns=["accounts", "start_arr"]),
                                               on="cohort", suffixes=("_logo", "_nrr"))
    right.download_button("Download both triangles (CSV)", csv_bytes(both), file_name=f"cohorts_{table.by}.csv",
                          mime="text/csv", key="cohort_triangle_download")


def definitions() -> None:
    with st.expander("How these numbers are defined"):
        st.markdown("\n".join(f"- {text}" for text in DEFINITIONS.values()))
        st.markdown("- ARR bands use each account's starting ARR and the `arr_bands` setting (docs/settings.md).")
