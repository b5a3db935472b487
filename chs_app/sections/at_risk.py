"""Sections of the at-risk work queue: filters (read once from the URL), totals, the table, opening an account."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chs_app import links, state
from chs_app.download import csv_bytes
from chs_app.format import money, money_full
from chs_core.kpis.periods import month_end
from chs_core.model import NO_DATA_TIER, Model
from chs_core.workspace import QueueFilter, apply_filter, order_rule, totals

__all__ = ["apply_filter", "download", "filters", "open_picker", "queue_csv", "read_url", "table", "totals_row",
           "write_url"]

SCOPES = {"at_risk": "Below the at-risk cut-off", "all": "All accounts"}
RENEWAL_CHOICES = [0, 30, 60, 90, 180, 365]  # 0: any time
URL_KEYS = ("tier", "flag", "renewal_days", "alert", "new", "as_of")
WRITTEN_KEYS = ("tier", "flag", "renewal_days", "alert", "new")  # as_of is only read: it is the executive's URL key


def _signature() -> tuple:
    return tuple((k, tuple(st.query_params.get_all(k))) for k in URL_KEYS)


def read_url(model: Model, default_as_of: date) -> list[str]:
    """Set the controls from the query parameters when the URL changed (a link from another page); return what
    was ignored, in words."""
    sig = _signature()
    # Widget values are dropped when the user leaves the page: coming back, the URL sets them again.
    if st.session_state.get(state.QUEUE_FROM_URL) == sig and state.QUEUE_SCOPE in st.session_state:
        return []
    qp, ignored = st.query_params, []
    valid_tiers = [*model.tier_names(), NO_DATA_TIER.name]
    tiers = [t for t in qp.get_all("tier") if t in valid_tiers]
    ignored += [f"tier '{t}' (valid: {', '.join(valid_tiers)})" for t in qp.get_all("tier") if t not in valid_tiers]
    names = [f.name for f in model.flags]
    flags = [f for f in qp.get_all("flag") if f in names]
    ignored += [f"flag '{f}' (valid: {', '.join(names)})" for f in qp.get_all("flag") if f not in names]
    renewal = qp.get("renewal_days")
    if renewal is not None and not (renewal.isdigit() and 0 < int(renewal) <= 3650):
        ignored.append(f"renewal_days '{renewal}' (a whole number of days, 1-3650)")
        renewal = None
    as_of = qp.get("as_of")
    try:
        as_of = date.fromisoformat(as_of) if as_of else _shared_as_of(default_as_of)
    except ValueError:
        ignored.append(f"as_of '{as_of}' (YYYY-MM-DD)")
        as_of = default_as_of
    s = st.session_state
    s[state.QUEUE_TIERS], s[state.QUEUE_FLAGS] = tiers, flags
    s[state.QUEUE_RENEWAL] = int(renewal) if renewal else 0
    s[state.QUEUE_ALERT], s[state.QUEUE_NEW] = qp.get("alert") == "1", qp.get("new") == "1"
    s[state.QUEUE_SCOPE] = "all" if (tiers or flags or s[state.QUEUE_ALERT]) else "at_risk"
    s[state.QUEUE_AS_OF] = min(as_of, default_as_of)
    s[state.QUEUE_FROM_URL] = sig
    return ignored


def _shared_as_of(default_as_of: date) -> date:
    """The month end chosen on the executive page (chs_app.controls, a month's first day), else the default."""
    month = st.session_state.get(state.AS_OF)
    return month_end(month) if isinstance(month, date) else default_as_of


def write_url(f: QueueFilter) -> None:
    """Keep the URL in step with the filters (only this page's keys), so a reload or a shared link keeps the view."""
    values = {"tier": list(f.tiers), "flag": list(f.flags), "renewal_days": f.renewal_days,
              "alert": "1" if f.alert else None, "new": "1" if f.new else None}
    for key, value in values.items():
        if value in (None, []):
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get_all(key) != (value if isinstance(value, list) else [str(value)]):
            st.query_params[key] = value
    st.session_state[state.QUEUE_FROM_URL] = _signature()
    st.session_state[state.QUEUE_LAST_PARAMS] = {k: v for k, v in _signature() if v}  # the account page's way back


def filters(model: Model, default_as_of: date, first_date: date) -> tuple[QueueFilter, date]:
    top = links.two_up("queue_filters", 4, [2, 3, 3, 2])
    as_of = top[0].date_input("As of", key=state.QUEUE_AS_OF, min_value=first_date, max_value=default_as_of,
                              help="Scores, changes and alerts as of this date (point in time).")
    scope = top[1].radio("Show", list(SCOPES), format_func=SCOPES.get, horizontal=True, key=state.QUEUE_SCOPE)
    tiers = top[2].multiselect("Tier", [*model.tier_names(), NO_DATA_TIER.name], key=state.QUEUE_TIERS,
                               placeholder="Any tier")
    choices = list(RENEWAL_CHOICES)
    current = st.session_state.get(state.QUEUE_RENEWAL) or 0
    if current not in choices:
        choices.append(current)
    renewal = top[3].selectbox("Renewal", choices, key=state.QUEUE_RENEWAL,
                               format_func=lambda d: "Any time" if not d else f"Within {d} days")
    row = links.two_up("queue_flags", 3, [5, 2, 3])
    labels = {f.name: f.label for f in model.flags}
    flags = row[0].multiselect("Flag fired", list(labels), format_func=labels.get, key=state.QUEUE_FLAGS,
                               placeholder="Any flag")
    alert = row[1].toggle("Score-drop alert", key=state.QUEUE_ALERT,
                          help=f"Fell {model.alert.drop_points:g}+ points within {model.alert.within_days} days.")
    new = row[2].toggle("Newly at risk since last week", key=state.QUEUE_NEW,
                        help="Below the cut-off now, not 7 days earlier.")
    return QueueFilter(scope, tuple(tiers), tuple(flags), renewal or None, alert, new), as_of


def totals_row(shown: pd.DataFrame, everyone: pd.DataFrame) -> None:
    accounts, arr = totals(shown)
    cols = links.two_up("queue_totals", 4)
    cols[0].metric("Accounts", f"{accounts:,}", help=f"of {len(everyone):,} customer accounts in view")
    cols[1].metric("ARR", money(arr), help=money_full(arr))
    cols[2].metric("ARR at stake", money(float(shown["stake"].fillna(0).sum())),
                   help="Σ ARR × (100 − score) / 100 over the accounts shown.")
    cols[3].metric("Score-drop alerts", f"{int(shown['alert'].sum()):,}")
    st.caption(f"Order: {order_rule()} Click a column header to sort differently.")


# What a CSM reads first on a laptop without scrolling: who, score and tier, what is at stake and how soon, why;
# the name stays pinned while the rest scrolls.
TABLE_COLUMNS = ("open", "account_name", "health_score", "tier", "coverage", "arr", "days_to_renewal",
                 "days_since_touch", "reasons", "next_action", "change_7d", "change_30d", "alert", "segment", "csm")


def table(shown: pd.DataFrame, as_of: date) -> str | None:
    """The queue; returns the account id of a selected row (the page opens it)."""
    view = links.with_account_links(shown, as_of)[list(TABLE_COLUMNS)]
    view["coverage"] = view["coverage"] * 100
    event = st.dataframe(
        view, hide_index=True, key=state.QUEUE_TABLE, on_select="rerun", selection_mode="single-row",
        height=min(38 + 35 * len(view), 520),
        column_config={
            "open": links.account_link_column(), "account_name": st.column_config.TextColumn("Name", pinned=True),
            "segment": "Segment", "csm": "CSM",
            "arr": st.column_config.NumberColumn("ARR", format="$%,.0f"),
            "health_score": st.column_config.NumberColumn("Score", format="%.1f"),
            "tier": "Tier",
            "coverage": st.column_config.NumberColumn("Coverage", format="%.0f%%", width="small",
                                                      help="Share of the model's weight that had data."),
            "change_7d": st.column_config.NumberColumn("Δ 7 d", format="%+.1f"),
            "change_30d": st.column_config.NumberColumn("Δ 30 d", format="%+.1f"),
            "alert": st.column_config.CheckboxColumn("Alert", help="Score-drop alert on the as-of date"),
            "reasons": st.column_config.TextColumn("Main reasons", width="large"),
            "days_to_renewal": st.column_config.NumberColumn("Renews in", format="%d d",
                                                             help="Days to the renewal date."),
            "days_since_touch": st.column_config.NumberColumn("Last touch", format="%d d ago",
                                                              help="Days since the last held CSM touch."),
            "next_action": st.column_config.TextColumn("Next action", width="large"),
        })
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    return str(shown.iloc[rows[0]]["account_id"]) if rows else None


def open_picker(shown: pd.DataFrame, as_of: date) -> None:
    """Open an account by name (keyboard and phone friendly, beside the row selection). "Open account" is a page
    link, not a button: following it starts the account page's run at once, where a button would first rerun this
    whole page (its 2,000-row table sent again) only to switch pages at its end."""
    names = dict(zip(shown["account_id"].astype(str), shown["account_name"].astype(str)))
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    pick = left.selectbox("Open an account", list(names), index=None, format_func=lambda a: f"{names[a]} ({a})",
                          placeholder="Type a name…", key="queue_open_pick")
    right.page_link(links.ACCOUNT_PAGE, label="Open account", icon=":material/person_search:", disabled=pick is None,
                    query_params={"account": pick, "as_of": as_of.isoformat()} if pick else None)


def queue_csv(shown: pd.DataFrame) -> bytes:
    """The rows shown, in their order, with the table's columns and every fired flag (formula-safe)."""
    columns = [c for c in TABLE_COLUMNS if c != "open"]
    return csv_bytes(shown[["account_id", *columns, "flags"]])


def download(shown: pd.DataFrame, as_of: date) -> None:
    st.download_button("Download this list (CSV)", queue_csv(shown), file_name=f"at_risk_{as_of}.csv",
                       mime="text/csv", key="queue_download")
