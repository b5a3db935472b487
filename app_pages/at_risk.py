"""At-risk work queue (CSMs): the accounts to work, ordered by what is at stake, with why and what to do next."""
import streamlit as st

from chs_app import data, guards, links, sidebar
from chs_app.sections import at_risk as sections
from chs_core.selection import only_accounts

st.title("At-risk accounts")
source = guards.source_or_stop()
model = guards.model_or_stop()
default_as_of = source.default_as_of
ignored = sections.read_url(model, default_as_of)
if ignored:
    st.warning("Ignored from the link: " + "; ".join(ignored) + ".", icon=":material/link_off:")
chosen, as_of = sections.filters(model, default_as_of, source.months[0])
sections.write_url(chosen)

queue = data.work_queue(data.current_source(), model, as_of)
ids = sidebar.filtered_account_ids(source.accounts)
everyone = only_accounts(queue, ids)
shown = sections.apply_filter(everyone, chosen)
st.caption(f"Scores as of {as_of:%d %b %Y} · showing {sidebar.filter_summary()} (sidebar filters).")
sections.totals_row(shown, everyone)
if shown.empty:
    st.info("No account matches these filters. Widen the tier, flag or renewal filter, or show all accounts.",
            icon=":material/filter_alt_off:")
    st.stop()
picked = sections.table(shown, as_of)
if picked is not None:  # a selected row
    st.switch_page(links.ACCOUNT_PAGE, query_params={"account": picked, "as_of": as_of.isoformat()})
sections.open_picker(shown, as_of)
sections.download(shown, as_of)
