"""Sections of the account page: who it is, why the score is what it is, how it moved, the evidence, what to do."""
from __future__ import annotations

import difflib
from datetime import timedelta

import pandas as pd
import streamlit as st

from chs_app import account_data, links, state
from chs_app.charts.account import HEIGHTS, waterfall_height
from chs_app.format import money, money_full, pct
from chs_app.sections import account_tables as tables
from chs_core.model import Model
from chs_core.workspace import Change, Explanation
from chs_core.workspace.change import why_it_moved
from chs_core.workspace.evidence import Evidence
from chs_core.workspace.words import rounded_to_total, value_text

SEVERITY_BADGE = {"critical": "red", "very_high": "orange", "high": "orange", "medium": "yellow", "low": "gray"}


def back_links() -> None:
    cols = st.columns([1, 1, 3])
    back = {k: list(v) for k, v in st.session_state.get(state.QUEUE_LAST_PARAMS, {}).items()}
    cols[0].page_link(links.QUEUE_PAGE, label="At-risk accounts", icon=":material/arrow_back:", query_params=back)
    cols[1].page_link("app_pages/executive.py", label="Executive overview", icon=":material/monitoring:")


def not_found(account_id: str, accounts: pd.DataFrame) -> None:
    ids = accounts["account_id"].astype(str).tolist()
    close = difflib.get_close_matches(account_id, ids, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
    st.error(f"No account with id `{account_id}` in this data ({len(ids):,} accounts).{hint} Check the link, or "
             "pick the account from the work queue.", icon=":material/person_off:")
    for c in close:
        st.page_link(links.ACCOUNT_PAGE, label=f"Open {c}", query_params={"account": c}, icon=":material/person:")
    back_links()


def picker(accounts: pd.DataFrame) -> str | None:
    names = dict(zip(accounts["account_id"].astype(str), accounts["account_name"].astype(str)))
    return st.selectbox("Account", list(names), index=None, format_func=lambda a: f"{names[a]} ({a})",
                        placeholder="Type a name or id…", key="account_pick")


def _metric(e: Explanation, name: str) -> float:
    rows = e.metrics[e.metrics["name"] == name]
    return float(rows["raw_value"].iloc[0]) if len(rows) else float("nan")


def header(account: pd.Series, e: Explanation, metrics_row: pd.Series) -> None:
    st.title(str(account.get("account_name") or account["account_id"]))
    st.caption(f"`{account['account_id']}` · {account.get('segment') or '—'} · {account.get('region') or '—'} · "
               f"CSM {account.get('csm') or 'none'} · as of {e.as_of:%d %b %Y}")
    cols = links.two_up("account_header", 4)
    score = "—" if not e.scored else f"{e.score:.1f}"
    cols[0].metric("Health score", score, help=f"Tier {e.tier}; coverage {pct(e.coverage, 0)} of the model's weight "
                   "had data (missing metrics are re-weighted, never counted as zero).")
    cols[0].markdown(f"**{e.tier}** · :{'green' if e.coverage >= 0.8 else 'orange'}-badge[coverage {pct(e.coverage, 0)}]")
    arr, trend = metrics_row.get("arr"), metrics_row.get("arr_trend")
    cols[1].metric("ARR", money(arr), None if pd.isna(trend) else f"{trend * 100:+.0f}% vs 3 months before",
                   help=money_full(arr))
    days = metrics_row.get("days_to_renewal")
    renews = "—" if pd.isna(days) else f"{e.as_of + timedelta(days=int(days)):%d %b %Y}"
    cols[2].metric("Renewal", renews, None if pd.isna(days) else f"in {int(days)} days", delta_color="off",
                   delta_arrow="off")
    tenure = metrics_row.get("tenure_months")
    cols[3].metric("Tenure", "—" if pd.isna(tenure) else f"{int(tenure)} months", e.lifecycle_stage,
                   delta_color="off", delta_arrow="off", help="The lifecycle stage follows from tenure (model.yaml).")
    st.caption("Scoring rules: " + (f"base model with the {' and '.join(e.overrides)} override"
                                    if e.overrides else "the base model (no segment or stage override applies)") + ".")


def actions(e: Explanation) -> None:
    st.subheader("What to do")
    if e.flags.empty:
        st.info(f"No risk flag fired. Tier play ({e.tier}): {e.play}.", icon=":material/task_alt:")
        return
    for f in e.flags.itertuples():
        cap = "" if pd.isna(f.cap) else f", caps the score at {f.cap:g}"
        badge = f":{SEVERITY_BADGE.get(f.severity, 'gray')}-badge[{f.severity.replace('_', ' ')}]"
        st.markdown(f"{badge} **{f.label}** (−{f.penalty:g} pts{cap}): {f.action}")
    st.caption(f"Tier play ({e.tier}): {e.play}.")


def why(e: Explanation, waterfall: dict | None) -> None:
    st.subheader("Why the score is what it is")
    if not e.scored:
        st.warning(f"No score: only {pct(e.coverage, 0)} of the model's weight had data, below the minimum. The "
                   "tables below show what data there is.", icon=":material/data_alert:")
    else:
        left, right = st.columns([3, 2], gap="large")
        with left:
            # SVG, not canvas: bars, marks and labels are in the page (tests and screen readers find them)
            st.echarts_chart(waterfall, height=waterfall_height(len(e.waterfall)), key="account_waterfall",
                             renderer="svg",
                             alt=f"Waterfall of the points behind the score {e.score:.1f}")
        with right:
            st.markdown(f"Each metric adds its points (weight share × its 0-100 score); fired flags subtract their "
                        f"penalty; a cap lowers the rest. The bars add up to **{e.score:.1f}**.")
            tables.components(e)
    metric_tables(e)


@st.fragment
def metric_tables(e: Explanation) -> None:
    """One table per component, one tab at a time (only the open tab is sent; switching reruns this part only)."""
    names = list(e.components["component"])
    tabs = st.tabs([c.capitalize() for c in names], key=state.ACCOUNT_COMPONENT_TAB, on_change="rerun")
    for tab, component in zip(tabs, names):
        if tab.open is False:
            continue
        rows = e.metrics[e.metrics["component"] == component]
        with tab:
            tables.metrics(rows, component)


def history(hist: pd.DataFrame, model: Model, chart: dict) -> None:
    st.subheader("How it moved")
    if hist.empty:
        st.info("No score history: the account was not a customer in the scored period.")
        return
    st.echarts_chart(chart, height=HEIGHTS["history"], key="account_history", renderer="svg",
                     alt="Score history on the tier bands, with score-drop alerts")
    alerts = hist[hist["alert"]]
    note = (f"{len(alerts)} day(s) with a score-drop alert (≥ {model.alert.drop_points:g} points in "
            f"{model.alert.within_days} days), the last on {alerts['as_of'].iloc[-1]:%d %b %Y}."
            if len(alerts) else "No score-drop alert in this history.")
    st.caption(f"Daily for the 8 weeks to the as-of date, weekly before; the 26 weeks to the as-of date shown "
               f"(drag the slider's ends for the whole history). {note} Dotted lines: the two dates compared below.")


def change(c: Change, events: pd.DataFrame) -> None:
    st.markdown(f"**What changed** from {c.from_date:%d %b %Y} to {c.to_date:%d %b %Y}")
    if c.note:
        st.info(c.note, icon=":material/info:")
        return
    st.markdown(f"**Why it moved:** {why_it_moved(c, events)}")
    st.markdown(f"Score **{c.score_from:.1f} → {c.score_to:.1f}** ({c.change:+.1f} points); the terms below add up "
                "to the change" + (", with the change of scoring rules as a term of its own." if
                                   (c.terms["kind"] == "model").any() else "."))
    shown = c.terms.assign(change=rounded_to_total(c.terms["change"].to_numpy()))
    shown = shown[shown["change"] != 0]  # a term that rounds to 0.0 adds nothing to the sum shown
    left, right = st.columns([3, 2], gap="large")
    with left:
        tables.change_terms(shown, c.from_date, c.to_date)
    with right:
        st.markdown("**What happened in between**")
        if events.empty:
            st.caption("No departure, urgent ticket, detractor answer, CSM activity or ARR change in these dates.")
        else:
            tables.events(events)


def _absent(ev: Evidence, table: str) -> bool:
    if table not in ev.supplied:
        st.caption(f"`{table}` was not supplied: its metrics count as missing.")
        return True
    return False


EVIDENCE_TABS = ("Usage", "Support", "NPS", "Contacts", "CSM activities", "ARR and seats", "Invoices")


@st.fragment
def evidence_section(a: account_data.Account, e: Explanation) -> None:
    """The evidence, one tab at a time: only the open tab is computed and sent (switching reruns this part only)."""
    st.subheader("The evidence")
    ev = account_data.evidence(a.key, e.as_of, a)
    tabs = st.tabs(EVIDENCE_TABS, key=state.ACCOUNT_EVIDENCE_TAB, on_change="rerun")
    draw = {"Usage": lambda: _usage(ev, e, account_data.usage_chart(a.key, e.as_of, a)),
            "Support": lambda: _tickets(ev), "NPS": lambda: _nps(ev), "Contacts": lambda: _contacts(ev),
            "CSM activities": lambda: _activities(ev),
            "ARR and seats": lambda: st.echarts_chart(account_data.arr_chart(a.key, e.as_of, a),
                                                      height=HEIGHTS["arr"], key="account_arr_chart", renderer="svg",
                                                      alt="ARR and seats by month"),
            "Invoices": lambda: _invoices(ev)}
    for name, tab in zip(EVIDENCE_TABS, tabs):
        if tab.open is not False:  # None: the tab state is not tracked (e.g. inside a cached function): draw all
            with tab:
                draw[name]()


def _usage(ev: Evidence, e: Explanation, chart: dict) -> None:
    if not _absent(ev, "usage_events"):
        st.caption(f"Active users {value_text('active_user_ratio', _metric(e, 'active_user_ratio'))} of seats, "
                   f"usage trend {value_text('usage_trend', _metric(e, 'usage_trend'))}; events per week by feature "
                   "over the 26 weeks to the as-of date (a bar's tooltip gives its active users).")
        st.echarts_chart(chart, height=HEIGHTS["usage"], key="account_usage_chart", renderer="svg",
                         alt="Events per week by feature")


def _tickets(ev: Evidence) -> None:
    if not _absent(ev, "tickets"):
        st.dataframe(ev.tickets, hide_index=True, key="account_tickets", column_config={
            "escalated": st.column_config.CheckboxColumn("Escalated"),
            "resolution_hours": st.column_config.NumberColumn("Resolution (h)", format="%.1f")})


def _nps(ev: Evidence) -> None:
    if not _absent(ev, "nps_responses"):
        st.dataframe(ev.nps, hide_index=True, key="account_nps")


def _contacts(ev: Evidence) -> None:
    if not _absent(ev, "contacts"):
        st.dataframe(ev.contacts, hide_index=True, key="account_contacts", column_config={
            "champion": st.column_config.CheckboxColumn("Champion"),
            "sponsor": st.column_config.CheckboxColumn("Exec sponsor"),
            "left_date": st.column_config.DateColumn("Left on")})


def _activities(ev: Evidence) -> None:
    if _absent(ev, "csm_activities"):
        return
    acts = ev.activities
    mention = [_mention(c, b) for c, b in zip(acts["competitor"], acts["budget"])]
    flagged = acts.assign(mention=mention)[["activity_date", "activity_type", "outcome", "mention", "notes"]]
    st.caption("Notes that mention a competitor or a budget review are highlighted; last 12 months.")
    st.dataframe(flagged.style.apply(_highlight, axis=1), hide_index=True, key="account_activities", column_config={
        "mention": st.column_config.TextColumn("Mentions", help="Competitor or budget keywords (model.yaml signals)"),
        "notes": st.column_config.TextColumn("Notes", width="large")})


def _invoices(ev: Evidence) -> None:
    if not _absent(ev, "invoices"):
        st.dataframe(ev.invoices, hide_index=True, key="account_invoices", column_config={
            "amount": st.column_config.NumberColumn("Amount", format="$%,.0f"),
            "days_past_due": st.column_config.NumberColumn("Days past due", format="%d")})


def _mention(competitor, budget) -> str:
    """'competitor, budget' for the mentions in a note (NULL, for an activity with no notes, is no mention)."""
    return ", ".join(w for w, hit in (("competitor", competitor), ("budget", budget)) if not pd.isna(hit) and hit)


def _highlight(row: pd.Series) -> list[str]:
    return ["background-color: #fdecc8" if row["mention"] else ""] * len(row)
