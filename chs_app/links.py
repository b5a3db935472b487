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


def with_account_links(frame: pd.DataFrame, as_of: date | str | None = None, column: str = "open",
                       since: date | None = None) -> pd.DataFrame:
    """`frame` with a column of account-page URLs built from its account_id column (first column).

    as_of: one date for every row, or the name of a column of `frame` holding each row's date.
    """
    dates = frame[as_of] if isinstance(as_of, str) else [as_of] * len(frame)
    links = [account_url(a, d, since) for a, d in zip(frame["account_id"].astype(str), dates)]
    return frame.assign(**{column: links})[[column, *frame.columns]]


def account_link_column(label: str = "Account") -> st.column_config.LinkColumn:
    """Shows the account id as the link text; opens the account page."""
    return st.column_config.LinkColumn(label, display_text=r"account=([^&]+)", help="Open the account page")


# Streamlit stacks columns one per row below 640 px; controls, cards and figures in a container whose key starts
# with "two_up" stay two per row on a phone instead, with labels and links that wrap rather than being cut.
TWO_UP_CSS = """<style>
@media (max-width: 640px) {
  [class*="st-key-two_up"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  [class*="st-key-two_up"] [data-testid="stColumn"] { min-width: calc(50% - 0.25rem) !important;
                                                     flex: 1 1 calc(50% - 0.25rem) !important; }
  [class*="st-key-two_up"] [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
  [class*="st-key-two_up"] [data-testid="stMetricLabel"] p { font-size: 0.8rem !important; white-space: normal !important; }
  [class*="st-key-two_up"] [data-testid="stPageLink"] a { padding-left: 0 !important; padding-right: 0 !important; }
  [class*="st-key-two_up"] [data-testid="stPageLink"] p { white-space: normal !important; overflow: visible !important;
                                                         text-overflow: clip !important; }
}
</style>"""


def two_up(key: str, n: int, spec=None):
    """`n` columns that wrap two per row on a phone (see TWO_UP_CSS)."""
    st.html(TWO_UP_CSS)
    return st.container(key=f"two_up_{key}").columns(spec or n)
