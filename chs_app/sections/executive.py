"""Sections of the executive page. Each takes prepared data and draws; numbers come from chs_core."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app import state
from chs_app.charts import executive as charts
from chs_app.download import csv_bytes
from chs_app.format import money, money_full, pct, pct_points, score, signed_money
from chs_core.kpis.benchmarks import BENCHMARKS, benchmark_verdict, quality_targets
from chs_core.kpis.executive import DEFINITIONS, ExecutiveSummary
from chs_core.kpis.health import HealthKpis, breakdown
from chs_core.kpis.periods import month_end
from chs_core.kpis.retention import RetentionKpis, arr_movements, bridge_amounts, retention_trend
from chs_core.model import Model
from chs_core.outcomes.tier_outcomes import FlagQuality

PERIOD_KINDS = {"ttm": "Trailing 12 months", "quarter": "Quarter", "month": "Month"}
AMOUNT_LABELS = {"churn": "ARR lost", "contraction": "ARR lost", "expansion": "ARR gained", "new": "New ARR"}
MOVEMENT_LABELS = {"churn": "Churn", "contraction": "Contraction", "expansion": "Expansion", "new": "New business"}


def _benchmark_text(key: str, value: float | None, as_pct: bool = True) -> str:
    band = BENCHMARKS[key]

    def fmt(v: float) -> str:
        return f"{v * 100:.0f}%" if as_pct else f"{v:.0f}"

    text = f"< {fmt(band.high)}" if band.low is None else f"{fmt(band.low)}–{fmt(band.high)}"
    verdict = benchmark_verdict(key, value)
    shown = "" if verdict is None else f" · :{'green' if verdict.good else 'red'}[{verdict.word}]"
    return f"Benchmark {text}{shown}"


def _delta(now: float | None, before: float | None, kind: str) -> str | None:
    if now is None or before is None:
        return None
    if kind == "pct":
        return pct_points(now - before)
    if kind == "money":
        return signed_money(now - before)
    return f"{now - before:+.1f}"


def _card(label: str, value: str, delta: str | None, help_text: str, caption: str, inverse: bool = False) -> None:
    unchanged = delta is not None and delta.lstrip("+-±$").replace("pp", "").strip() in ("0", "0.0", "0.00")
    with st.container(border=True):
        # No change is neither good nor bad: grey, no arrow (not a green "up" for +0.0).
        st.metric(label, value, delta, delta_color="off" if unchanged else ("inverse" if inverse else "normal"),
                  delta_arrow="off" if unchanged else "auto", help=help_text)
        st.caption(caption)


def _health_field(name: str, health: HealthKpis | None) -> float | None:
    """A health KPI, or None when nothing was scored at that date (shown as a dash, never as a zero)."""
    if health is None or (health.accounts_scored == 0 and name != "accounts_scored"):
        return None
    return getattr(health, name)


def kpi_cards(summary: ExecutiveSummary) -> None:
    r, rp = summary.retention, summary.retention_previous
    h, hp = summary.health, summary.health_previous
    vs = f"vs {summary.previous.label}"
    row = st.columns(4)
    cards = [
        ("GRR", r.grr, rp.grr, "grr"), ("NRR", r.nrr, rp.nrr, "nrr"),
        ("Logo retention", r.logo_retention, rp.logo_retention, "logo_retention"),
        ("Expansion rate", r.expansion_rate, rp.expansion_rate, "expansion_rate"),
    ]
    for column, (label, now, before, key) in zip(row, cards):
        with column:
            _card(label, pct(now), _delta(now, before, "pct"), DEFINITIONS[key] + f" Change {vs}.",
                  _benchmark_text(key, now))
    row = st.columns(4)
    get = _health_field
    with row[0]:
        _card("Average health", score(get("avg_health", h)), _delta(get("avg_health", h), get("avg_health", hp), "num"),
              DEFINITIONS["avg_health"], _benchmark_text("avg_health", get("avg_health", h), as_pct=False))
    with row[1]:
        _card("ARR-weighted health", score(get("arr_weighted_health", h)),
              _delta(get("arr_weighted_health", h), get("arr_weighted_health", hp), "num"), DEFINITIONS["avg_health"],
              f"{get('accounts_scored', h) or 0:,} accounts scored")
    with row[2]:
        _card("At-risk ARR", money(get("at_risk_arr", h)), _delta(get("at_risk_arr", h), get("at_risk_arr", hp), "money"),
              DEFINITIONS["at_risk_arr"], f"{get('at_risk_accounts', h) or 0:,} accounts below the cut-off", inverse=True)
    with row[3]:
        _card("At-risk share of ARR", pct(get("at_risk_share", h)),
              _delta(get("at_risk_share", h), get("at_risk_share", hp), "pct"), DEFINITIONS["at_risk_arr"],
              _benchmark_text("at_risk_share", get("at_risk_share", h)), inverse=True)


def definitions(r: RetentionKpis) -> None:
    st.markdown(
        f"**Cohort:** the {r.cohort_accounts:,} accounts paying in {r.period.start:%b %Y} ({money(r.start_arr)} ARR); new "
        f"logos are left out of GRR, NRR, logo retention and expansion rate. **Churn:** no ARR in {r.period.end:%b %Y}. "
        "**Contraction / expansion:** lower / higher ARR than at the start. **GRR** counts each account at most at its "
        "starting ARR, so it never exceeds 100%; **NRR** adds expansion back. Health: scores at the period end.",
        help="Open the definitions below for the exact formulas.")
    with st.expander("How these numbers are defined (cohort, window, churn, contraction, expansion, capping)", expanded=False):
        st.markdown(
            f"**This period:** {r.period.label}: ARR in **{r.period.start:%b %Y}** compared with **{r.period.end:%b %Y}**. "
            f"Cohort: **{r.cohort_accounts:,} accounts** with {money(r.start_arr)} ARR at the start.")
        st.markdown("\n".join(f"- **{k.replace('_', ' ').capitalize()}**: {v}" for k, v in DEFINITIONS.items()))


def _movement_table(movements: pd.DataFrame, accounts: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = movements[movements["movement"] == kind].merge(accounts, on="account_id", how="left")
    rows["amount"] = rows["change"].abs()  # the size of the bar's share; the bar itself says gain or loss
    rows = rows.sort_values("amount", ascending=False)
    columns = ["account_name", "account_id", "segment", "region", "csm", "start_arr", "end_arr", "amount"]
    if kind == "new":
        columns.append("reactivated")
    return rows[columns]


def bridge(arr: pd.DataFrame, accounts: pd.DataFrame, summary: ExecutiveSummary, ids: list[str] | None) -> None:
    r = summary.retention
    st.subheader(f"ARR bridge · {r.period.label}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(charts.bridge_figure(r, f"ARR {r.period.start:%b %Y}", f"ARR {r.period.end:%b %Y}"),
                        key="executive_bridge_chart")
    with right:
        steps = bridge_amounts(r)
        signs = {-1: "− ", 1: "+ ", 0: ""}
        recon = pd.DataFrame({
            "": [("= " if s.measure == "total" else signs[s.sign]) + s.label for s, _, _ in steps],
            "ARR": [money_full(amount) for _, amount, _ in steps],
            "accounts": ["" if n is None else f"{n:,}" for _, _, n in steps],
        })
        st.dataframe(recon, hide_index=True, key="executive_bridge_table")
        residual = r.start_arr - r.churn - r.contraction + r.expansion + r.new - r.end_arr
        st.caption("The bars add up exactly: start − churn − contraction + expansion + new = end"
                   + ("" if abs(residual) < 0.5 else f" (rounding {residual:,.2f})") + ".")
    bar = st.radio("Show the accounts behind", list(MOVEMENT_LABELS), format_func=MOVEMENT_LABELS.get,
                   horizontal=True, key=state.EXEC_BRIDGE_BAR)
    movements = arr_movements(arr, r.period.start, r.period.end, ids)
    table = _movement_table(movements, accounts, bar)
    st.dataframe(table, hide_index=True, key="executive_bridge_accounts", height=260, column_config={
        "account_name": "Account", "account_id": "ID", "segment": "Segment", "region": "Region", "csm": "CSM",
        "start_arr": st.column_config.NumberColumn(f"ARR {r.period.start:%b %Y}", format="$%,.0f"),
        "end_arr": st.column_config.NumberColumn(f"ARR {r.period.end:%b %Y}", format="$%,.0f"),
        "amount": st.column_config.NumberColumn(AMOUNT_LABELS[bar], format="$%,.0f"),
        "reactivated": st.column_config.CheckboxColumn("Returning"),
    })
    total = table["amount"].sum()
    st.caption(f"{len(table):,} accounts, {money_full(total)} {MOVEMENT_LABELS[bar].lower()}.")
    st.download_button(f"Download {MOVEMENT_LABELS[bar].lower()} accounts (CSV)", csv_bytes(table),
                       file_name=f"arr_{bar}_{r.period.end:%Y-%m}.csv", mime="text/csv", key="executive_bridge_download")


def _tier_table(h: HealthKpis, model: Model) -> pd.DataFrame:
    total_accounts = sum(h.tier_counts.values()) or 1
    return pd.DataFrame({
        "Tier": list(h.tier_counts),
        "Accounts": list(h.tier_counts.values()),
        "Share": [pct(c / total_accounts) for c in h.tier_counts.values()],
        "ARR": [money(h.tier_arr.get(t, 0.0)) for t in h.tier_counts],
        "ARR share": [pct(h.tier_arr.get(t, 0.0) / h.total_arr) if h.total_arr else "—" for t in h.tier_counts],
    })


def distribution(scores: pd.DataFrame, summary: ExecutiveSummary, model: Model, fired: pd.DataFrame) -> None:
    h = summary.health
    st.subheader(f"Health today · scores as of {summary.health_as_of:%d %b %Y}")
    if h is None:
        st.info("No scores at this date: the data has no customers at the period end.")
        return
    if h.accounts_scored == 0:
        coverage = scores["coverage"].mean() if len(scores) else 0.0
        st.warning(f"None of the {h.accounts_unscored:,} accounts has enough data for a score: on average "
                   f"{pct(coverage, 0)} of the model's weight had data, below its min_coverage of "
                   f"{pct(model.min_coverage, 0)}. Supply more of the optional tables (usage_events, tickets, "
                   "nps_responses, contacts, csm_activities, invoices); see Data quality.", icon=":material/data_alert:")
        return
    left, right = st.columns([1, 1], gap="large")
    with left:
        tiers = [(t.name, t.min_score, t.color) for t in model.tiers]
        st.plotly_chart(charts.score_distribution_figure(scores["health_score"], tiers, model.at_risk_below),
                        key="executive_distribution_chart")
    with right:
        st.dataframe(_tier_table(h, model), hide_index=True, key="executive_tier_table")
        st.markdown("\n".join(f"- **{t.name}** ({t.min_score:g}+): {t.play}" for t in model.tiers))
        drop_alerts(fired, model, summary.health_as_of)
        coverage = scores["coverage"].mean() if "coverage" in scores and len(scores) else None
        st.caption((f"Data coverage: scores use {pct(coverage, 0)} of the model's weight on average (missing metrics "
                    "are re-weighted, never counted as zero). " if coverage is not None else "")
                   + (f"{h.accounts_unscored:,} accounts ({money(h.unscored_arr)} ARR) had too little data to score "
                      "and are not counted in the averages." if h.accounts_unscored else ""))


def drop_alerts(fired: pd.DataFrame, model: Model, as_of: date) -> None:
    """Accounts whose score fell fast: a sudden drop matters as much as the level."""
    a = model.alert
    with st.container(border=True):
        st.metric(f"Score-drop alerts · {a.within_days} days to {as_of:%d %b}", f"{len(fired):,} accounts",
                  help=f"Accounts whose health score fell by {a.drop_points:g} points or more in the {a.within_days} days "
                       "to the as-of date, whatever their tier (model.yaml alert).")
        st.caption(f"{money(fired['arr'].sum() if len(fired) else 0.0)} ARR · drop ≥ {a.drop_points:g} points")
        if len(fired):
            with st.expander("Which accounts"):
                st.dataframe(fired[["account_name", "segment", "csm", "score_before", "health_score", "drop", "tier", "arr"]],
                             hide_index=True, key="executive_alerts_table", column_config={
                                 "account_name": "Account", "segment": "Segment", "csm": "CSM",
                                 "score_before": st.column_config.NumberColumn("Before", format="%.0f"),
                                 "health_score": st.column_config.NumberColumn("Now", format="%.0f"),
                                 "drop": st.column_config.NumberColumn("Drop", format="%.0f"),
                                 "tier": "Tier", "arr": st.column_config.NumberColumn("ARR", format="$%,.0f")})


def tier_outcomes(outcomes: pd.DataFrame, quality: FlagQuality, model: Model, horizon_months: int) -> None:
    st.subheader("Do the tiers mean something?")
    judged = outcomes[(outcomes["accounts"] > 0) & outcomes["tier"].isin(list(model.tier_names()))]
    if judged.empty or quality.as_of_dates == 0:
        st.info("Nothing to judge yet: tier outcomes need scored accounts at least "
                f"{horizon_months} months before the end of the data.")
        return
    worst, best = judged.iloc[-1], judged.iloc[0]
    st.markdown(
        f"Over **{quality.as_of_dates} monthly as-of dates** (each scored point in time with only the data known then), "
        f"**{pct(worst['account_loss_share'])}** of *{worst['tier']}* accounts churned or contracted within "
        f"{horizon_months * 30} days, against **{pct(best['account_loss_share'])}** of *{best['tier']}* accounts.")
    left, right = st.columns([3, 2], gap="large")
    with left:
        colours = {t.name: t.color for t in model.tiers}
        st.plotly_chart(charts.tier_outcomes_figure(judged, colours, f"{horizon_months * 30} days"),
                        key="executive_outcomes_chart")
    with right:
        _card("Lost ARR flagged at risk beforehand", pct(quality.flagged_loss_share), None,
              "Of the ARR lost to churn and contraction within the horizon, the share whose account was below the "
              "at-risk cut-off at the as-of date before.",
              f"{money(quality.flagged_lost_arr)} of {money(quality.lost_arr)} lost")
        targets = quality_targets()
        recall, false_alerts = targets["recall"], targets["false_alert_share"]
        _card("Churners flagged beforehand (recall)", pct(quality.recall), None,
              f"Accounts that churned within the horizon and were flagged at risk before / all churners. "
              f"Target {recall.text}.",
              f"{quality.flagged_churners:,} of {quality.churners:,} · target {recall.text}")
        _card("At-risk flags that did not churn", pct(quality.false_positive_share), None,
              f"At-risk flags on accounts that did not churn within the horizon / all at-risk flags. "
              f"Target {false_alerts.text}; some of these are saves, not errors.",
              f"{quality.flagged_not_churned:,} of {quality.at_risk_flags:,} flags · target {false_alerts.text}")


def trends(arr: pd.DataFrame, history: pd.DataFrame, kind: str, ids: list[str] | None) -> None:
    st.subheader("Trends")
    left, right = st.columns(2, gap="large")
    with left:
        trend = retention_trend(arr, kind, account_ids=ids).rename(columns={"end": "period_end"})
        st.markdown(f"**GRR and NRR** · {PERIOD_KINDS[kind].lower()} periods")
        if trend.empty:
            st.info("Not enough months of ARR history for this period length.")
        else:
            st.plotly_chart(charts.retention_trend_figure(trend), key="executive_retention_trend")
    with right:
        st.markdown("**Average health and at-risk ARR** · month ends")
        st.plotly_chart(charts.health_trend_figure(history), key="executive_health_trend")


BREAKDOWN_BY = {"segment": "Segment", "region": "Region", "csm": "CSM"}


def breakdowns(scores: pd.DataFrame, model: Model) -> None:
    st.subheader("By segment, region and CSM")
    by = st.radio("Break down by", list(BREAKDOWN_BY), format_func=BREAKDOWN_BY.get, horizontal=True,
                  key=state.EXEC_BREAKDOWN_BY)
    table = breakdown(scores, by, None, list(model.tier_names()))
    st.plotly_chart(charts.breakdown_figure(table, by), key="executive_breakdown_chart")
    shown = table[[by, "accounts", "arr", "avg_health", "arr_weighted_health", "at_risk_arr", "at_risk_share",
                   *[t.name for t in model.tiers if t.name in table.columns]]]
    st.dataframe(shown, hide_index=True, key="executive_breakdown_table", column_config={
        by: BREAKDOWN_BY[by], "accounts": "Accounts",
        "arr": st.column_config.NumberColumn("ARR", format="$%,.0f"),
        "avg_health": st.column_config.NumberColumn("Avg health", format="%.1f"),
        "arr_weighted_health": st.column_config.NumberColumn("ARR-wtd health", format="%.1f"),
        "at_risk_arr": st.column_config.NumberColumn("At-risk ARR", format="$%,.0f"),
        "at_risk_share": st.column_config.NumberColumn("At-risk share", format="percent"),
    })


def partial_month_notice(message: str) -> None:
    st.warning(message, icon=":material/calendar_month:")


def month_label(month: date) -> str:
    return f"{month_end(month):%d} {month:%b %Y}"
