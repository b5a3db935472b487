"""Sections of the executive page: KPI cards and definitions. Each takes prepared data and draws; numbers come
from chs_core. The bridge, health and trend sections are in executive_bridge, executive_health, executive_trends.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from chs_app.controls import PERIOD_KINDS  # noqa: F401  (re-exported for callers of this module)
from chs_app.format import count, money, pct, pct_points, score, signed_money
from chs_app.links import two_up
from chs_core.kpis.benchmarks import BENCHMARKS, judge, small_sample
from chs_core.kpis.executive import DEFINITIONS, ExecutiveSummary
from chs_core.kpis.health import HealthKpis
from chs_core.kpis.periods import month_end
from chs_core.kpis.retention import RetentionKpis
from chs_core.pipeline import CheckedSource
from chs_core.settings import setting
from chs_core.validation import excluded_rows

OPTIONAL_TABLES = ("usage_events", "tickets", "nps_responses", "contacts", "csm_activities", "invoices")


def _band_text(key: str) -> str:
    band = BENCHMARKS[key]
    as_pct = key != "avg_health"

    def fmt(v: float) -> str:
        return f"{v * 100:.0f}%" if as_pct else f"{v:.0f}"

    return f"< {fmt(band.high)}" if band.low is None else f"{fmt(band.low)}–{fmt(band.high)}"


def benchmark_caption(key: str, value: float | None, kind: str) -> str:
    """'Benchmark 85–95% · within', with the annualised figure for a shorter period, or why no verdict applies."""
    j = judge(key, value, kind)
    if j.verdict is None and j.how:
        return f"Benchmark {_band_text(key)} a year · no verdict for a {PERIOD_KINDS[kind].lower()}"
    text = f"Benchmark {_band_text(key)}" + (" a year" if BENCHMARKS[key].per_period != "any" and kind != "ttm" else "")
    if j.verdict is None:
        return text
    shown = f" · {pct(j.judged_value)} annualised" if j.how else ""
    return f"{text}{shown} · :{'green' if j.verdict.good else 'red'}[{j.verdict.word}]"


def _benchmark_help(key: str, kind: str) -> str:
    how = judge(key, 0.5 if key != "avg_health" else 50, kind).how
    return f" Benchmark: {how}." if how else ""


def _delta(now: float | None, before: float | None, kind: str) -> str | None:
    if now is None or before is None:
        return None
    if kind == "pct":
        return pct_points(now - before)
    if kind == "money":
        return signed_money(now - before)
    return f"{now - before:+.1f}"


def card(label: str, value: str, delta: str | None, help_text: str, caption: str, inverse: bool = False,
         link=None) -> None:
    unchanged = delta is not None and delta.lstrip("+-±$").replace("pp", "").strip() in ("0", "0.0", "0.00")
    with st.container(border=True):
        # No change is neither good nor bad: grey, no arrow (not a green "up" for +0.0).
        st.metric(label, value, delta, delta_color="off" if unchanged else ("inverse" if inverse else "normal"),
                  delta_arrow="off" if unchanged else "auto", help=help_text)
        st.caption(caption)
        if link is not None:
            link(st)


def _health_field(name: str, health: HealthKpis | None) -> float | None:
    """A health KPI, or None when nothing was scored at that date (shown as a dash, never as a zero)."""
    if health is None or (health.accounts_scored == 0 and name != "accounts_scored"):
        return None
    return getattr(health, name)


def _small_note(r: RetentionKpis) -> str:
    return f" · :orange[small sample: {count(r.cohort_accounts, 'account')}]" if small_sample(r.cohort_accounts) else ""


def kpi_cards(summary: ExecutiveSummary, at_risk_link=None) -> None:
    """The eight KPI cards; at_risk_link(container) draws the link from the at-risk card to the work queue."""
    r, rp = summary.retention, summary.retention_previous
    h, hp = summary.health, summary.health_previous
    kind = summary.period.kind
    vs = f"vs {summary.previous.label}"
    cards = [
        ("GRR", r.grr, rp.grr, "grr"), ("NRR", r.nrr, rp.nrr, "nrr"),
        ("Logo retention", r.logo_retention, rp.logo_retention, "logo_retention"),
        ("Expansion rate", r.expansion_rate, rp.expansion_rate, "expansion_rate"),
    ]
    row = two_up("kpi_cards_retention", 4)  # two cards per row on a phone
    for column, (label, now, before, key) in zip(row, cards):
        with column:
            card(label, pct(now), _delta(now, before, "pct"), DEFINITIONS[key] + f" Change {vs}." + _benchmark_help(key, kind),
                  benchmark_caption(key, now, kind) + _small_note(r))
    row = two_up("kpi_cards_health", 4)
    get = _health_field
    scored = get("accounts_scored", h) or 0
    with row[0]:
        card("Average health", score(get("avg_health", h)), _delta(get("avg_health", h), get("avg_health", hp), "num"),
              DEFINITIONS["avg_health"], benchmark_caption("avg_health", get("avg_health", h), kind))
    with row[1]:
        card("ARR-weighted health", score(get("arr_weighted_health", h)),
              _delta(get("arr_weighted_health", h), get("arr_weighted_health", hp), "num"), DEFINITIONS["avg_health"],
              f"{count(scored)} of {count(scored + (h.accounts_unscored if h else 0), 'account')} scored")
    with row[2]:
        card("At-risk ARR", money(get("at_risk_arr", h)), _delta(get("at_risk_arr", h), get("at_risk_arr", hp), "money"),
              DEFINITIONS["at_risk_arr"], f"{count(get('at_risk_accounts', h) or 0, 'account')} below the cut-off",
              inverse=True, link=at_risk_link if get("at_risk_accounts", h) else None)
    with row[3]:
        card("At-risk share of ARR", pct(get("at_risk_share", h)),
              _delta(get("at_risk_share", h), get("at_risk_share", hp), "pct"), DEFINITIONS["at_risk_arr"],
              benchmark_caption("at_risk_share", get("at_risk_share", h), kind), inverse=True)


def definitions(r: RetentionKpis) -> None:
    small = (f" **Small sample:** fewer than {setting('small_cohort_accounts')} starting accounts, so one account "
             "moves these rates by several points." if small_sample(r.cohort_accounts) else "")
    st.markdown(
        f"**Cohort:** the {count(r.cohort_accounts, 'account')} paying in {r.period.start:%b %Y} ({money(r.start_arr)} "
        f"ARR); new logos are left out of GRR, NRR, logo retention and expansion rate. **Churn:** no ARR in "
        f"{r.period.end:%b %Y}. **Contraction / expansion:** lower / higher ARR than at the start. **GRR** counts each "
        "account at most at its starting ARR, so it never exceeds 100%; **NRR** adds expansion back. Health: scores at "
        f"the period end.{small}")
    with st.expander("How these numbers are defined (cohort, window, churn, contraction, expansion, capping, benchmarks)"):
        st.markdown(
            f"**This period:** {r.period.label}: ARR in **{r.period.start:%b %Y}** compared with **{r.period.end:%b %Y}**. "
            f"Cohort: **{count(r.cohort_accounts, 'account')}** with {money(r.start_arr)} ARR at the start.")
        st.markdown("\n".join(f"- **{k.replace('_', ' ').capitalize()}**: {v}" for k, v in DEFINITIONS.items()))
        st.markdown(
            "- **Benchmarks** are annual. For a quarter or a month, GRR, NRR and logo retention are annualised by "
            "compounding (quarter rate^4, month rate^12: four quarters like this one) before the verdict; the "
            "expansion rate cannot be annualised (the same account may grow every quarter), so it gets no verdict. "
            "Health benchmarks are as of a date and hold for any period.")


def missing_tables(source: CheckedSource) -> list[str]:
    """Optional contract tables the source does not supply (their metrics count as missing)."""
    return [t for t in OPTIONAL_TABLES if not source.tables.get(t)]


DATA_PAGE = "app_pages/data_quality.py"


def excluded_rows_note(source: CheckedSource) -> None:
    """Say which rows the checked source left out (account id in no account), with the way to the Data page."""
    left_out = excluded_rows(source.problems)
    if not left_out:
        return
    parts = [f"{count(n, 'row')} of {table}" for table, n in left_out.items()]
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    with st.container(key="excluded_rows", horizontal=True, vertical_alignment="center"):
        st.caption(f":material/filter_alt: **Left out:** {listed}, whose account id is in no account; they count in "
                   "no score and no segment, region or CSM figure.")
        st.page_link(DATA_PAGE, label="Data page", icon=":material/fact_check:")


def partial_month_notice(message: str) -> None:
    st.warning(message, icon=":material/calendar_month:")


def month_label(month: date) -> str:
    return f"{month_end(month):%d} {month:%b %Y}"
