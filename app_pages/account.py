"""Account page (CSMs): why this account scores what it does, how it moved, the evidence, and what to do next."""
from datetime import date, timedelta

import streamlit as st

from chs_app import account_data, data, guards, links, state
from chs_app.sections import account as sections
from chs_core.pipeline import history_dates
from chs_core.workspace.evidence import events_between

source = guards.source_or_stop()
model = guards.model_or_stop()
account_id = st.query_params.get("account")
if not account_id:
    st.title("Account")
    picked = sections.picker(source.accounts)
    if picked is None:
        st.caption("Pick an account, or open one from the at-risk work queue.")
        sections.back_links()
        st.stop()
    st.query_params["account"] = picked
    st.rerun()
match = source.accounts[source.accounts["account_id"].astype(str) == account_id]
if match.empty:
    st.title("Account not found")
    sections.not_found(account_id, source.accounts)
    st.stop()


def _url_date(key: str, default: date) -> date:
    try:
        return date.fromisoformat(st.query_params.get(key) or "")
    except ValueError:
        return default


default_as_of = source.default_as_of
first = history_dates(source.arr, default_as_of)[0]
signature = (account_id, st.query_params.get("as_of"), st.query_params.get("since"))
if st.session_state.get("account_from_url") != signature:  # a new link: its dates win over the last visit's
    as_of = min(max(_url_date("as_of", default_as_of), first), default_as_of)
    st.session_state[state.ACCOUNT_AS_OF] = as_of
    st.session_state[state.ACCOUNT_SINCE] = max(_url_date("since", as_of - timedelta(days=30)), first)
    st.session_state["account_from_url"] = signature

sections.back_links()
ref = data.current_source()
as_of = st.session_state[state.ACCOUNT_AS_OF]
since = st.session_state[state.ACCOUNT_SINCE]
a = account_data.Account.of(ref, model, account_id)
e = account_data.explanation(a.key, as_of, a)
if e is None:
    st.title(str(match["account_name"].iloc[0]))
    st.warning(f"`{account_id}` was not a customer on {as_of:%d %b %Y} (no ARR that month), so it has no score "
               "then. Pick another as-of date below.", icon=":material/event_busy:")
    st.date_input("As of", key=state.ACCOUNT_AS_OF, min_value=first, max_value=default_as_of)
    st.stop()
grid = account_data.account_metrics(a.key, as_of, a)
sections.header(match.iloc[0], e, grid[grid["as_of"].dt.date == as_of].iloc[0])
sections.actions(e)
st.divider()
sections.why(e, account_data.waterfall_chart(a.key, as_of, a) if e.scored else None)
st.divider()
sections.history(account_data.history(a.key, as_of, a), model, account_data.history_chart(a.key, since, as_of, a))
controls = links.two_up("account_dates", 3, [1, 1, 3])  # side by side on a phone too
controls[0].date_input("Compare from", key=state.ACCOUNT_SINCE, min_value=first, max_value=as_of - timedelta(days=1))
controls[1].date_input("to (as of)", key=state.ACCOUNT_AS_OF, min_value=first, max_value=default_as_of)
evidence = account_data.evidence(a.key, as_of, a)
sections.change(account_data.change(a.key, since, as_of, a), events_between(evidence, since, as_of))
st.divider()
sections.evidence_section(a, e)
