"""A small book with every contract table, for the hostile and messy input tests.

`full_book()` is the six-account book of tests/fixtures.py plus a few rows in each optional
table (all for accounts A and B, dated inside the book's months), so a case that breaks one
table can be compared with the same data unbroken.
"""
from __future__ import annotations

import pandas as pd

from tests.fixtures import six_accounts


def optional_tables() -> dict[str, pd.DataFrame]:
    return {
        "usage_events": pd.DataFrame({
            "account_id": ["A", "A", "B"], "user_id": ["u1", "u2", "u3"],
            "event_date": ["2026-03-02", "2026-03-10", "2026-03-11"], "feature": ["reports", "api", "reports"],
            "event_count": [3, 1, 2]}),
        "tickets": pd.DataFrame({
            "ticket_id": ["t1", "t2"], "account_id": ["A", "B"],
            "opened_at": ["2026-02-03 10:00:00", "2026-03-04 09:00:00"],
            "resolved_at": ["2026-02-04 12:00:00", ""], "priority": ["P1", "P3"], "escalated": ["false", "true"],
            "csat": ["4", ""]}),
        "nps_responses": pd.DataFrame({
            "account_id": ["A", "B"], "responded_at": ["2026-01-15", "2026-02-20"], "score": [9, 3],
            "respondent_role": ["champion", "decision_maker"]}),
        "contacts": pd.DataFrame({
            "contact_id": ["c1", "c2"], "account_id": ["A", "B"], "contact_name": ["Ada", "Bo"],
            "role": ["executive_sponsor", "champion"], "is_champion": ["false", "true"], "user_id": ["u1", "u3"],
            "left_date": ["", ""]}),
        "csm_activities": pd.DataFrame({
            "account_id": ["A", "B", "B"], "activity_date": ["2026-02-10", "2026-03-01", "2026-03-15"],
            "activity_type": ["meeting", "qbr", "renewal_meeting"], "outcome": ["held", "held", "missed"],
            "notes": ["fine", "asked about a competitor", ""]}),
        "invoices": pd.DataFrame({
            "invoice_id": ["i1", "i2"], "account_id": ["A", "B"], "due_date": ["2026-01-31", "2026-02-28"],
            "paid_date": ["2026-01-30", ""], "amount": [1200, 2000]}),
    }


def full_book() -> dict[str, pd.DataFrame]:
    """Every contract table: the six-account book with a few optional rows (all valid)."""
    return {**six_accounts(), **optional_tables()}
