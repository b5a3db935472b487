"""Links between pages that carry their state in the URL: an account page, the work queue filtered.

Pages put these URLs in a column and show it with `account_link_column()` (st.column_config.LinkColumn), so the
executive page's bridge lists and alert table, and the queue, all open the same account page.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

ACCOUNT_PAGE = "app_pages/account.py"
QUEUE_PAGE = "app_pages/at_risk.py"


def account_url(account_id: str, as_of: date | None = None, since: date | None = None) -> str:
    """Relative URL of the account page (works under any base path): account?account=ID[&as_of=...&since=...]."""
    params = {"account": str(account_id)}
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    if since is not None:
        params["since"] = since.isoformat()
    return f"account?{urlencode(params)}"


def queue_url(**params: object) -> str:
    """Relative URL of the work queue with filters: tier, flag, renewal_days, alert=1, new=1 (lists repeat the key)."""
    return f"at_risk?{urlencode({k: v for k, v in params.items() if v not in (None, False, [])}, doseq=True)}"


def with_account_links(frame: pd.DataFrame, as_of: date | None = None, column: str = "open") -> pd.DataFrame:
    """`frame` with a column of account-page URLs built from its account_id column (first column)."""
    links = [account_url(a, as_of) for a in frame["account_id"].astype(str)]
    return frame.assign(**{column: links})[[column, *frame.columns]]


def account_link_column(label: str = "Account") -> st.column_config.LinkColumn:
    """Shows the account id as the link text; opens the account page."""
    return st.column_config.LinkColumn(label, display_text=r"account=([^&]+)", help="Open the account page")


# Streamlit stacks columns one per row below 640 px; controls and figures in a container whose key starts with
# "two_up" stay two per row on a phone instead.
TWO_UP_CSS = """<style>
@media (max-width: 640px) {
  [class*="st-key-two_up"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  [class*="st-key-two_up"] [data-testid="stColumn"] { min-width: calc(50% - 0.25rem) !important;
                                                     flex: 1 1 calc(50% - 0.25rem) !important; }
  [class*="st-key-two_up"] [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
}
</style>"""


def two_up(key: str, n: int, spec=None):
    """`n` columns that wrap two per row on a phone (see TWO_UP_CSS)."""
    st.html(TWO_UP_CSS)
    return st.container(key=f"two_up_{key}").columns(spec or n)
