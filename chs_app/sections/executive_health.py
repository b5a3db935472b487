"""Health sections of the executive page: the score distribution and drop alerts, and how the tiers held up."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app.charts import executive as charts
from chs_app.executive_data import figure, no_scores_message
from chs_app.format import MONEY_COLUMN, count, money, pct
from chs_app.links import account_link_column
from chs_app.sections.executive import card
from chs_core.kpis.executive import ExecutiveSummary
from chs_core.kpis.health import HealthKpis
from chs_core.model import Model
from chs_core.outcomes.lift import OUTCOME, OutcomeSummary
from chs_core.settings import REPO_ROOT

QUEUE_PAGE = "app_pages/at_risk.py"


def queue_ready() -> bool:
    return (REPO_ROOT / QUEUE_PAGE).exists()


def queue_link(label: str, params: dict, container=st) -> None:
    """A link to the at-risk work queue with its filters (the sidebar filters travel in the URL by themselves).

    st.page_link takes no key: links are told apart by their label and parameters.
    """
    if queue_ready():
        container.page_link(QUEUE_PAGE, label=label, query_params=params, icon=":material/checklist:")


def at_risk_tiers(model: Model) -> list[str]:
    """The tiers wholly below the at-risk cut-off (the accounts the at-risk card counts, by tier)."""
    return [t.name for t in model.tiers if t.min_score < model.at_risk_below]


def _open_clicked_tier(event, as_of: date) -> None:
    """A click on a histogram bar opens the work queue on that bar's tier."""
    points = (event or {}).get("selection", {}).get("points", []) if event is not None else []
    tiers = [p.get("customdata") for p in points if p.get("customdata")]
    if tiers and queue_ready():
        st.switch_page(QUEUE_PAGE, query_params={"tier": tiers[0], "as_of": as_of.isoformat()})


def _tier_table(h: HealthKpis) -> pd.DataFrame:
    total_accounts = sum(h.tier_counts.values()) or 1
    return pd.DataFrame({
        "Tier": list(h.tier_counts),
        "Accounts": [count(c) for c in h.tier_counts.values()],
        "Share": [pct(c / total_accounts) for c in h.tier_counts.values()],
        "ARR": [money(h.tier_arr.get(t, 0.0)) for t in h.tier_counts],
        "ARR share": [pct(h.tier_arr.get(t, 0.0) / h.total_arr) if h.total_arr else "—" for t in h.tier_counts],
    })


def distribution(scores: pd.DataFrame, summary: ExecutiveSummary, model: Model, missing: list[str], key: str) -> bool:
    """Score histogram and tier table; returns False (after saying why) when nothing is scored."""
    h = summary.health
    st.subheader(f"Health as of {summary.health_as_of:%d %b %Y}")
    if h is None:
        st.info(f"No health scores as of {summary.health_as_of:%d %b %Y}: no account was a paying customer then. "
                "Pick a later as-of date.", icon=":material/event_busy:")
        return False
    if h.accounts_scored == 0:
        st.warning(no_scores_message(h.accounts_unscored, scores["coverage"].mean() if len(scores) else None, model,
                                     missing), icon=":material/data_alert:")
        return False
    left, right = st.columns([1, 1], gap="large")
    with left:
        tiers = [(t.name, t.min_score, t.color) for t in model.tiers]
        fig = figure("distribution", key, lambda: charts.score_distribution_figure(
            scores["health_score"], tiers, model.at_risk_below))
        event = st.plotly_chart(fig, on_select="rerun" if queue_ready() else "ignore", selection_mode="points",
                                key="executive_distribution_chart", config={"displayModeBar": False})
        _open_clicked_tier(event if queue_ready() else None, summary.health_as_of)
        if queue_ready():
            st.caption("Click a bar, or a tier below, to open its accounts in the work queue.")
    with right:
        st.dataframe(_tier_table(h), hide_index=True, key="executive_tier_table")
        st.markdown("\n".join(f"- **{t.name}** ({t.min_score:g}+): {t.play}" for t in model.tiers))
        coverage = scores["coverage"].mean() if "coverage" in scores and len(scores) else None
        st.caption((f"Data coverage: scores use {pct(coverage, 0)} of the model's weight on average (missing metrics "
                    "are re-weighted, never counted as zero). " if coverage is not None else "")
                   + (f"{count(h.accounts_unscored, 'account')} ({money(h.unscored_arr)} ARR) had too little data to "
                      "score and are not counted in the averages." if h.accounts_unscored else ""))
        shown = [t for t in model.tiers if h.tier_counts.get(t.name)]
        if queue_ready() and shown:
            st.markdown("**Open a tier in the work queue**")
            # A wrapping row, not one column per tier: five columns in half the page cut every label short.
            links = st.container(horizontal=True, gap="small")
            for tier in shown:
                queue_link(f"{tier.name} ({count(h.tier_counts[tier.name])})",
                           {"tier": tier.name, "as_of": summary.health_as_of.isoformat()}, container=links)
    return True


def drop_alerts(fired: pd.DataFrame, model: Model, as_of: date) -> None:
    """Accounts whose score fell fast, full width: a sudden drop matters as much as the level.

    fired: executive_data.drop_alerts (with the reason and the account-page link, `open`)."""
    a = model.alert
    st.markdown(f"**Score-drop alerts** · {count(len(fired), 'account')} fell {a.drop_points:g} points or more in the "
                f"{a.within_days} days to {as_of:%d %b %Y} ({money(fired['arr'].sum() if len(fired) else 0.0)} ARR), "
                "whatever their tier (model.yaml alert).")
    if not len(fired):
        return
    st.dataframe(fired[["account_name", "open", "account_id", "reason", "score_before", "health_score", "drop", "tier",
                        "arr", "csm", "segment"]], hide_index=True, key="executive_alerts_table", column_config={
        "account_name": "Account", "open": account_link_column("ID"), "account_id": None,  # the link shows the id
        "segment": "Segment", "csm": "CSM",
        "score_before": st.column_config.NumberColumn("Before", format="%.1f",
                                                       help=f"Score {a.within_days} days before the as-of date"),
        "health_score": st.column_config.NumberColumn("Now", format="%.1f"),
        "drop": st.column_config.NumberColumn("Drop", format="%.1f"),
        "tier": "Tier", "arr": st.column_config.NumberColumn("ARR", format=MONEY_COLUMN),
        "reason": st.column_config.TextColumn("Main reason", width="large",
                                               help="A flag that fired in the window, else the component that cost most")})
    queue_link("Open these accounts in the work queue", {"alert": "1", "as_of": as_of.isoformat()})


def _target_card(label: str, figure: float | None, target, part: str, help_text: str) -> None:
    met = target.met(figure)
    colour = "gray" if met is None else ("green" if met else "red")
    word = "" if met is None else (" · met" if met else " · missed")
    card(label, pct(figure), None, help_text, f":{colour}[target {target.text}{word}] · {part}")


def tier_outcomes(outcomes: pd.DataFrame, quality: OutcomeSummary, model: Model, horizon_months: int,
                  targets: dict, no_scores: bool, key: str) -> None:
    st.subheader("Do the tiers mean something?")
    judged = outcomes[(outcomes["accounts"] > 0) & outcomes["tier"].isin(list(model.tier_names()))]
    days = f"{horizon_months * 30} days"
    if no_scores:
        st.info("Nothing to judge: no account has a health score (see above), so no tier can be checked against what "
                "happened.", icon=":material/hourglass_empty:")
        return
    if judged.empty or quality.account_months == 0:
        st.info(f"Nothing to judge yet: a score is judged {horizon_months} months after its as-of date, so this needs "
                f"scores from at least {horizon_months} months before the as-of date. Pick a later as-of date or "
                "supply a longer history.", icon=":material/hourglass_empty:")
        return
    worst, best = judged.iloc[-1], judged.iloc[0]
    st.markdown(
        f"Covers **every past as-of date** known at the chosen one: {quality.as_of_dates} month ends from "
        f"{quality.first_as_of:%b %Y} to {quality.last_as_of:%b %Y}, each scored point in time with only the data known "
        f"then and judged {days} later; the period and filters above do not change the dates. Outcome throughout: "
        f"**{OUTCOME}** within {days}, counted in **account-months** (one account once per as-of date). Base rate "
        f"**{pct(quality.base_rate)}** of {count(quality.account_months, 'account-month')}; *{worst['tier']}* "
        f"**{pct(worst['account_loss_share'])}** ({worst['lift']:.1f}× the base rate), *{best['tier']}* "
        f"**{pct(best['account_loss_share'])}** ({best['lift']:.1f}×).")
    left, right = st.columns([3, 2], gap="large")
    with left:
        colours = {t.name: t.color for t in model.tiers}
        fig = figure("tier_outcomes", key, lambda: charts.tier_outcomes_figure(judged, colours, quality.base_rate, days))
        st.plotly_chart(fig,
                        key="executive_outcomes_chart", config={"displayModeBar": False})
    with right:
        card("Lost ARR flagged at risk beforehand", pct(quality.flagged_loss_share), None,
              f"Of the ARR lost to churn and contraction within {days}, the share whose account was below the at-risk "
              "cut-off at the as-of date before.", f"{money(quality.flagged_lost_arr)} of {money(quality.lost_arr)} lost")
        _target_card("Losses flagged beforehand (recall)", quality.recall, targets["recall"],
                     f"{count(quality.flagged_lost)} of {count(quality.lost, 'account-month')}",
                     f"Account-months that {OUTCOME} within {days} and were flagged at risk at the as-of date / all "
                     f"such account-months.")
        _target_card("At-risk flags with no loss", quality.false_alert_share, targets["false_alert_share"],
                     f"{count(quality.flagged - quality.flagged_lost)} of {count(quality.flagged, 'flagged account-month')}",
                     f"Flagged account-months that did not churn or contract within {days} / all flagged account-months "
                     "(1 - precision); some are saves, not errors.")
