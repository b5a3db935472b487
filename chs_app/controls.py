"""Controls more than one page can share: the period and the as-of date, both kept in the URL (chs_app.state)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from chs_app import state
from chs_core.kpis.periods import month_end

PERIOD_KINDS = {"ttm": "Trailing 12 months", "quarter": "Quarter", "month": "Month"}


def as_of_label(month: date) -> str:
    """How an as-of month reads in the control and the URL: its month end, ISO (2026-10-31)."""
    return month_end(month).isoformat()


def period_kind(container=st) -> str:
    """Trailing 12 months (default), quarter or month."""
    return container.radio("Period", list(PERIOD_KINDS), format_func=PERIOD_KINDS.get, horizontal=True,
                           **state.bound(state.PERIOD_KIND))


def as_of_month(months: Sequence[date], default: date, container=st) -> date:
    """The chosen month (its first day; scores are as of its last day), latest first, `default` preselected."""
    options = list(months)[::-1]
    return container.selectbox(
        "As of (month end)", options, index=options.index(default), format_func=as_of_label,
        help="The period ends with this month's ARR snapshot; health scores are as of its last day. "
             "The latest complete month is the default.", **state.bound(state.AS_OF))
