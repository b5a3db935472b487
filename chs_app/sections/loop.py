"""Sections of the closing-the-loop page: headline figures, response times, outcomes, plays, the flags themselves."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.charts import loop as charts
from chs_app.download import csv_bytes
from chs_app.format import pct
from chs_core.kpis.benchmarks import quality_targets
from chs_core.outcomes.loop import ASSOCIATION, OutcomeGroup
from chs_core.outcomes.loop_report import DEFINITIONS, LoopReport

STATUS_LABELS = {"within": "Touched in time", "later": "Touched later", "not touched": "Not touched",
                 "open": "Open (too recent)"}
SHARE_CONFIG = {
    "share_in_time": st.column_config.ProgressColumn("In time", format="percent", min_value=0, max_value=1),
    "flags": st.column_config.NumberColumn("Flagged accounts", format="%d"),
    "touched_in_time": st.column_config.NumberColumn("Touched ≤ target", format="%d"),
    "touched_later": st.column_config.NumberColumn("Later", format="%d"),
    "not_touched": st.column_config.NumberColumn("Never", format="%d"),
    "median_days_to_touch": st.column_config.NumberColumn("Median days", format="%.0f"),
}


def _interval(g: OutcomeGroup) -> str:
    return "no judged flags" if g.share_saved is None else f"{g.saved:,} of {g.flags:,} · 95% CI {pct(g.ci_low, 0)}–{pct(g.ci_high, 0)}"


def headline(report: LoopReport) -> None:
    overall = report.overall.iloc[0]
    target = quality_targets()["intervention_success"]
    in_time, not_in_time = report.outcome("touched in time"), report.outcome("not touched in time")
    open_flags = int((report.flags["status"] == "open").sum())
    cards = st.columns(4)
    with cards[0].container(border=True):
        st.metric("Flagged accounts", f"{int(overall['flags']):,}", help=DEFINITIONS["flag"])
        st.caption(f"{open_flags:,} more still open (under {report.touch_days} days old, no touch yet)")
    with cards[1].container(border=True):
        st.metric(f"Touched within {report.touch_days} days", pct(overall["share_in_time"]), help=DEFINITIONS["in_time"])
        st.caption(f"{int(overall['touched_in_time']):,} in time · {int(overall['touched_later']):,} later · "
                   f"{int(overall['not_touched']):,} not touched")
    with cards[2].container(border=True):
        days = overall["median_days_to_touch"]
        st.metric("Median days to first touch", "—" if pd.isna(days) else f"{days:.0f}", help=DEFINITIONS["touch"])
        st.caption(f"Target: under {report.touch_days} days (time to detection)")
    with cards[3].container(border=True):
        st.metric("Saved when touched in time", pct(in_time.share_saved), help=DEFINITIONS["saved"])
        verdict = target.met(in_time.share_saved)
        mark = "" if verdict is None else (" · :green[meets it]" if verdict else " · :red[below it]")
        st.caption(f"{_interval(in_time)} · target {target.text}{mark}")
    st.markdown(f"Not touched in time: **{pct(not_in_time.share_saved)}** saved ({_interval(not_in_time)}). "
                f"Horizon: {report.horizon_months * 30} days after the flag.")
    st.info(ASSOCIATION, icon=":material/balance:")


def charts_row(report: LoopReport) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.plotly_chart(charts.days_to_touch_figure(report.flags, report.touch_days), key="loop_days_chart")
    with right:
        shown = [report.outcome(g) for g in ("touched in time", "touched later", "not touched")]
        if any(g.flags for g in shown):
            st.plotly_chart(charts.outcome_figure(shown, quality_targets()["intervention_success"].value),
                            key="loop_outcome_chart")
        else:
            st.info(f"No flag is old enough to judge yet: outcomes need {report.horizon_months} months of ARR after "
                    "the flag.")


def response_tables(report: LoopReport, tier_order: Sequence[str]) -> None:
    st.subheader(f"Touched within {report.touch_days} days, per CSM and per tier")
    left, right = st.columns(2, gap="large")
    with left:
        st.dataframe(report.by_csm[["csm", *SHARE_CONFIG]], hide_index=True, key="loop_by_csm",
                     column_config={"csm": "CSM", **SHARE_CONFIG})
    with right:
        rank = {t: i for i, t in enumerate(tier_order)}
        by_tier = report.by_tier.sort_values("tier", key=lambda s: s.map(rank).fillna(len(rank)))
        st.dataframe(by_tier[["tier", *SHARE_CONFIG]], hide_index=True, key="loop_by_tier",
                     column_config={"tier": "Tier at the flag", **SHARE_CONFIG})
    st.caption("Sorted with the slowest responders first. A flag's tier is its tier on the flag date.")


def plays(report: LoopReport) -> None:
    st.subheader("Which plays were followed")
    st.caption(DEFINITIONS["plays"])
    if report.plays.empty:
        st.info("No flag with an action fired in this history.")
        return
    st.dataframe(report.plays.drop(columns="flag"), hide_index=True, key="loop_plays", column_config={
        "label": "Flag", "action": st.column_config.TextColumn("Play (action in model.yaml)", width="large"),
        "matching_activities": "Counts as followed", "fired": "Fired", "decided": "Judged",
        "followed": "Followed",
        "share_followed": st.column_config.ProgressColumn("Followed in time", format="percent", min_value=0, max_value=1),
    })


def flag_list(report: LoopReport) -> None:
    st.subheader("The flags behind these numbers")
    options = list(STATUS_LABELS)
    status = st.segmented_control("Show", options, format_func=STATUS_LABELS.get, key=state.LOOP_STATUS,
                                  selection_mode="single", default="not touched")
    rows = report.flags if status is None else report.flags[report.flags["status"] == status]
    saved = report.judged[["account_id", "flag_date", "saved"]]
    rows = rows.merge(saved, on=["account_id", "flag_date"], how="left")
    columns = [c for c in ("account_name", "account_id", "csm", "segment", "tier", "flag_date", "reason", "first_touch",
                           "touch_type", "days_to_touch", "status", "saved", "arr") if c in rows]
    rows = rows[columns].sort_values(["flag_date", "arr"], ascending=[False, False])
    rows["status"] = rows["status"].map(STATUS_LABELS)
    rows["saved"] = rows["saved"].map({True: "saved", False: "churned or contracted"}).fillna("not judged yet")
    st.dataframe(rows, hide_index=True, key="loop_flags", height=320, column_config={
        "account_name": "Account", "account_id": "ID", "csm": "CSM", "segment": "Segment", "tier": "Tier",
        "flag_date": st.column_config.DateColumn("Flag date", format="DD MMM YYYY"), "reason": "Why",
        "first_touch": st.column_config.DateColumn("First touch", format="DD MMM YYYY"), "touch_type": "Touch",
        "days_to_touch": st.column_config.NumberColumn("Days", format="%d"), "status": "Response",
        "saved": "Outcome", "arr": st.column_config.NumberColumn("ARR", format="$%,.0f")})
    st.caption(f"{len(rows):,} flags.")
    st.download_button("Download these flags (CSV)", csv_bytes(rows), mime="text/csv", key="loop_flags_download",
                       file_name=f"loop_flags_{report.as_of:%Y-%m-%d}.csv")


def definitions(report: LoopReport) -> None:
    with st.expander("How these numbers are defined"):
        st.markdown("\n".join(f"- {text}" for text in DEFINITIONS.values()))
        st.markdown(f"- Touch types in use: {', '.join(report.touch_types)}. Targets: touch within "
                    f"{report.touch_days} days; saved / intervened {quality_targets()['intervention_success'].text} "
                    "(practitioners' references, in docs/settings.md).")
