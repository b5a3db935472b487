"""Known spellings of the contract's codes (roles, activity types, outcomes, priorities, segments).

Exports write codes their own way ("Executive Sponsor", "QBR", "Urgent", "canceled"). Loading
reads a value as a code when, ignoring case and with spaces, dashes and underscores alike, it is
the code itself or one of the synonyms below. Anything else is kept as written, so validation
reports it with its row count and the value map to add; nothing is guessed beyond this list.
"""
from __future__ import annotations

import re

from chs_core.contract import ACTIVITY_OUTCOMES, ACTIVITY_TYPES, CONTACT_ROLES, PRIORITIES, SEGMENTS

_ROLE_SYNONYMS = {
    "executive_sponsor": ("exec sponsor", "sponsor", "executive", "executive buyer"),
    "decision_maker": ("decision maker", "dm", "economic buyer", "buyer"),
    "champion": ("internal champion",),
    "admin": ("administrator", "system admin", "system administrator", "it admin"),
    "end_user": ("end user", "user"),
}

CODES: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    # (table, column): (allowed codes, {code: synonyms})
    ("contacts", "role"): (CONTACT_ROLES, _ROLE_SYNONYMS),
    ("nps_responses", "respondent_role"): (CONTACT_ROLES, _ROLE_SYNONYMS),
    ("csm_activities", "activity_type"): (ACTIVITY_TYPES, {
        "meeting": ("meetings", "video call", "video meeting", "zoom", "in person meeting", "onsite"),
        "qbr": ("quarterly business review", "business review", "ebr", "executive business review"),
        "training": ("trainings", "workshop", "enablement", "training session"),
        "renewal_meeting": ("renewal", "renewal call", "renewal discussion"),
        "call": ("phone call", "phone", "calls"),
        "email": ("e mail", "emails", "mail"),
        "note": ("notes", "internal note", "comment"),
    }),
    ("csm_activities", "outcome"): (ACTIVITY_OUTCOMES, {
        "held": ("completed", "complete", "done", "attended", "happened", "occurred"),
        "missed": ("no show", "noshow", "not attended", "absent"),
        "cancelled": ("canceled", "cancel"),
        "scheduled": ("planned", "upcoming", "booked"),
    }),
    ("tickets", "priority"): (PRIORITIES, {
        # Zendesk (urgent/high/normal/low) and Jira (highest..lowest); bare numbers and severities are ambiguous.
        "P0": ("urgent", "highest", "blocker"),
        "P1": ("high",),
        "P2": ("medium", "normal"),
        "P3": ("low", "lowest"),
    }),
    ("accounts", "segment"): (SEGMENTS, {
        "SMB": ("small business", "smbs"),
        "Mid-Market": ("midmarket", "mid size", "midsize"),
        "Enterprise": ("ent", "enterprises"),
    }),
}

_SEPARATORS = re.compile(r"[\s_\-]+")
SEPARATORS_PATTERN = _SEPARATORS.pattern  # the same rule in SQL (regexp_replace)


def spelling_key(value: str) -> str:
    """The form spellings are compared in: lower case, runs of spaces, dashes and underscores as one space."""
    return _SEPARATORS.sub(" ", value.strip().lower()).strip()


def known_spellings(table: str, column: str) -> dict[str, str]:
    """{spelling key: code} for a code column: each code itself and its synonyms."""
    allowed, synonyms = CODES[(table, column)]
    out = {spelling_key(code): code for code in allowed}
    for code, words in synonyms.items():
        out.update({spelling_key(w): code for w in words})
    return out
