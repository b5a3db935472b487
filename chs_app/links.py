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
