"""The tuning page's results: headline figures, AUC intervals, distribution and migration, the accounts that
moved, the backtest; the publish panel. Both are fragments a control's change reruns (see tuning_controls)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from chs_app import data, state, tuning_data
from chs_app.charts import tuning as charts
from chs_app.format import MONEY_COLUMN, count, money, pct
from chs_app.sections import tuning_publish as drafts
from chs_core.model import Model
from chs_core.outcomes.quality import Quality
from chs_core.settings import setting
from chs_core.tuning.live import Figures, History, Rescored, figures, migration, movers, rescore
from chs_core.tuning.publish import model_diff

# No plotly toolbar: on a phone it covers the chart titles, and zooming a histogram or a 5x5 matrix adds nothing.
CHART_CONFIG = {"displayModeBar": False}
ACCOUNT_PAGE = "account"  # the CSM engineer's account page (url path), ?account=ID


def _num(x, digits=3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _delta(a, b, digits=3):
    return None if a is None or b is None or round(b - a, digits) == 0 else round(b - a, digits)


def headline(before: Figures, after: Figures) -> None:
    """Draft figures with the change against the published model (the delta under each)."""
    b, a = before.churn, after.churn
    cards = [
        ("AUC (churn)", _num(a.auc), _delta(b.auc, a.auc), "normal",
         "Chance a random account-month that did not churn scores above one that did (0.5 = chance)."),
        ("Top-decile lift", _num(a.lift_top_decile, 2), _delta(b.lift_top_decile, a.lift_top_decile, 2), "normal",
         "Churn rate among the lowest-scored 10% / the overall churn rate."),
        ("Recall", pct(a.recall), _delta(b.recall, a.recall), "normal",
         "Churned account-months that were at risk beforehand."),
        ("Precision", pct(a.precision), _delta(b.precision, a.precision), "normal",
         "At-risk account-months that did churn within the horizon."),
        ("False positive rate", pct(a.false_positive_rate), _delta(b.false_positive_rate, a.false_positive_rate),
         "inverse", "FP / (FP + TN): share of account-months that did not churn but were at risk."),
        ("At-risk ARR", money(after.at_risk_arr), _delta(before.at_risk_arr, after.at_risk_arr, 0), "inverse",
         "ARR of accounts below the at-risk cut-off at the latest as-of date."),
    ]
    cols = st.columns(len(cards))
    for col, (label, value, delta, colour, help_text) in zip(cols, cards):
        shown = None if delta is None else (money(delta) if label == "At-risk ARR" else
                                            f"{delta:+.1%}" if label in ("Recall", "Precision", "False positive rate")
                                            else f"{delta:+.3f}")
        col.metric(label, value, shown, delta_color=colour if delta is not None else "off", help=help_text)
    st.caption(f"Published → draft. Backtest over {count(b.rows)} account-months with a score judged point in time; "
               f"base rate {pct(b.base_rate)} churned within the horizon. Rescored live on every change.")


def book(h: History, before: Rescored, after: Rescored, at_risk_below: float) -> None:
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.distribution_figure(before.score[h.latest], after.score[h.latest], at_risk_below),
                        width="stretch", key="tuning_distribution", config=CHART_CONFIG)
    with right:
        unit = st.radio("Count", ["accounts", "arr"], format_func={"accounts": "Accounts", "arr": "ARR"}.get,
                        horizontal=True, key=state.TUNING_MATRIX_UNIT, label_visibility="collapsed")
        accounts, arr = migration(h, before, after)
        st.plotly_chart(charts.migration_figure(arr if unit == "arr" else accounts, unit), width="stretch",
                        key="tuning_migration", config=CHART_CONFIG)
        moved = int(accounts.to_numpy().sum() - accounts.to_numpy().trace())
        st.caption(f"{count(moved, 'account')} change tier ({money(float(arr.to_numpy().sum() - arr.to_numpy().trace()))}"
                   " ARR).")
    st.dataframe(migration_table(accounts), width="stretch", key="tuning_migration_table")


def migration_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """The migration matrix as a table (published tier rows, draft tier columns), empty tiers left out."""
    keep = [t for t in accounts.index if accounts.loc[t].sum() > 0 or accounts[t].sum() > 0]
    return accounts.loc[keep, keep].rename_axis("published \\ draft")


def moved(h: History, before: Rescored, after: Rescored) -> None:
    st.markdown("**The accounts that moved most** (latest as-of date)")
    top = movers(h, before, after, 10)
    if top.empty:
        st.caption("No score changes with this draft.")
        return
    top.insert(0, "link", [f"{ACCOUNT_PAGE}?account={a}" for a in top["account_id"]])
    st.dataframe(top, hide_index=True, width="stretch", key="tuning_movers", column_config={
        "link": st.column_config.LinkColumn("account", display_text=r"account=(.*)$",
                                            help="Open the account page: why the score is what it is"),
        "account_id": None, "account_name": "name", "arr": st.column_config.NumberColumn("ARR", format=MONEY_COLUMN),
        "published": st.column_config.NumberColumn(format="%.1f"), "draft": st.column_config.NumberColumn(format="%.1f"),
        "change": st.column_config.NumberColumn(format="%+.1f"), "tier_published": "tier (published)",
        "tier_draft": "tier (draft)"})


QUALITY_ROWS = (("AUC", "auc", "num"), ("95% interval", "auc_ci", "ci"), ("Top-decile lift", "lift_top_decile", "x"),
                ("Base rate", "base_rate", "pct"), ("Recall (account-months)", "recall", "pct"),
                ("Recall (accounts)", "recall_accounts", "pct"), ("Precision", "precision", "pct"),
                ("False positive rate FP/(FP+TN)", "false_positive_rate", "pct"),
                ("Share of alerts that were false", "false_alert_share", "pct"), ("Rows judged", "rows", "int"))


def _fmt(q: Quality | None, field: str, kind: str) -> str:
    if q is None:
        return "—"
    v = getattr(q, field)
    if v is None:
        return "—"
    return {"num": lambda: f"{v:.3f}", "ci": lambda: f"{v[0]:.3f}–{v[1]:.3f}", "x": lambda: f"{v:.2f}x",
            "pct": lambda: pct(v), "int": lambda: count(v)}[kind]()


def quality_table(before: Figures, after: Figures, intervals: bool = True) -> pd.DataFrame:
    """Published and draft, pooled and in the renewal window; intervals=False: the interval row says how to ask."""
    rows = [{"measure": label, "published": _fmt(before.churn, f, k), "draft": _fmt(after.churn, f, k),
             "published, renewal window": _fmt(before.renewal_window, f, k),
             "draft, renewal window": _fmt(after.renewal_window, f, k)} for label, f, k in QUALITY_ROWS]
    if not intervals:
        rows[1] = {"measure": rows[1]["measure"]} | dict.fromkeys(list(rows[1])[1:], "on request (switch)")
    return pd.DataFrame(rows)


def calibration_table(before: Figures, after: Figures) -> pd.DataFrame:
    d = {t.tier: t for t in after.tiers}
    return pd.DataFrame([{"tier": t.tier, "published rows": t.rows, "published churn rate": pct(t.rate),
                          "draft rows": d[t.tier].rows, "draft churn rate": pct(d[t.tier].rate)}
                         for t in before.tiers])


def backtest(before: Figures, after: Figures, horizon: int, intervals: bool = True) -> None:
    st.markdown(f"**Backtest**: every past score against churn within {horizon} months, point in time. "
                "The renewal window keeps only account-months whose renewal falls inside the horizon, where "
                "renewal timing no longer separates accounts.")
    st.dataframe(quality_table(before, after, intervals), hide_index=True, width="stretch", key="tuning_quality")
    st.markdown("**Churn rate by tier** (calibration: a better tier should churn less)")
    st.dataframe(calibration_table(before, after), hide_index=True, width="stretch", key="tuning_calibration")


@dataclass(frozen=True)
class Judged:
    """What the result fragments need to judge the published model and the draft (kept between their reruns)."""

    ref: data.SourceRef
    published: Model
    as_of: date
    horizon: int
    end: date
    path: Path

    def published_figures(self) -> tuple[Rescored, Figures]:
        return tuning_data.judged(self.ref, self.published, self.as_of, self.horizon, self.end)

    def draft_figures(self, h: History, model: Model) -> tuple[Rescored, Figures]:
        """The draft rescored once per change: the results and the publish panel share it (one session's memo)."""
        memo = st.session_state.get(state.TUNING_JUDGED)
        if memo is None or memo[0] is not h or memo[1] != model:
            r = rescore(h, model)
            memo = (h, model, r, figures(h, r))
            st.session_state[state.TUNING_JUDGED] = memo
        return memo[2], memo[3]

    def intervals(self, model: Model):
        at = (self.as_of, self.horizon, self.end)
        return (tuning_data.interval_figures(self.ref, self.published, *at),
                tuning_data.interval_figures(self.ref, model, *at),
                tuning_data.auc_change(self.ref, self.published, model, *at))


def _ci(q: Quality | None) -> str:
    return "—" if q is None or q.auc is None else (
        f"{q.auc:.3f} ({q.auc_ci[0]:.3f}–{q.auc_ci[1]:.3f})" if q.auc_ci else f"{q.auc:.3f}")


def intervals(j: Judged, model: Model) -> tuple[Figures | None, Figures | None]:
    """On request: the AUC of both models with clustered-bootstrap intervals, and the paired change."""
    samples = setting("backtest_bootstrap_samples")
    if not st.toggle(f"95% intervals for the AUC ({samples} resamples of accounts; about a second for each new "
                     "draft, so off while you move controls quickly)", key=state.TUNING_INTERVALS):
        return None, None
    with st.spinner("Resampling accounts for the intervals…"):
        before, after, (change, change_ci) = j.intervals(model)
    shown = "—" if change is None else f"{change:+.3f}" + (
        f" ({change_ci[0]:+.3f} to {change_ci[1]:+.3f})" if change_ci else "")
    st.markdown(f"**AUC (churn), 95% interval**: published {_ci(before.churn)} · draft {_ci(after.churn)} · "
                f"change {shown}")
    verdict = ("" if change_ci is None else
               "The change's interval spans 0: on this history the draft is not shown to rank churn better or worse "
               "than the published model. " if change_ci[0] <= 0 <= change_ci[1] else
               "The change's interval excludes 0: the difference is larger than resampling noise. ")
    st.caption(f"{verdict}Each interval is the middle 95% of the AUC over {samples} resamples of whole accounts "
               "drawn with replacement: an account's months move together, so resampling single months would look "
               "more certain than the data is. The change is judged on the same resampled accounts for both "
               "models (paired) and on the account-months both score. A wide interval means few churners, not a "
               "bad score: judge a draft by the change, not by whether two intervals overlap.")
    return before, after


@st.fragment(key="tuning_results")
def results(h: History, j: Judged) -> None:
    draft, problem = drafts.edited(j.published, j.path)
    if problem:
        st.warning(f"This change does not make a valid model, so the figures show the last valid draft: {problem}",
                   icon=":material/warning:")
    before_r, before = j.published_figures()
    after_r, after = j.draft_figures(h, draft.model)
    left, right = st.columns([3, 2], vertical_alignment="center")
    changed = len(model_diff(j.published, draft.model))
    left.markdown(f"**Draft:** {count(changed, 'change')} against version {j.published.version}" if changed else
                  f"**Draft:** the same as version {j.published.version}; move a control to see what it does.")
    with right:
        drafts.reset_button(j.published, j.path, draft)
    st.divider()
    headline(before, after)
    before_ci, after_ci = intervals(j, draft.model)
    book(h, before_r, after_r, draft.model.at_risk_below)
    moved(h, before_r, after_r)
    st.divider()
    backtest(before_ci or before, after_ci or after, j.horizon, intervals=before_ci is not None)


@st.fragment(key="tuning_publish")
def publish(h: History, j: Judged) -> None:
    draft, _ = drafts.edited(j.published, j.path)
    drafts.publish_panel(j.published, j.path, draft, j.published_figures()[1], j.draft_figures(h, draft.model)[1])
